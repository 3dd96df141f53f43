import { randomUUID } from "node:crypto";
import { type Database, order, product } from "@quickdeal/db";
import { eq, sql } from "drizzle-orm";
import { createKafka, ensureTopic } from "../src/kafka.js";
import { Queue } from "../src/queue.js";
import { startWorker } from "../src/worker-runtime.js";
import { KAFKA_BROKERS, REDIS_URL } from "./env.js";
import { randomPrefix, randomTopic, testDb } from "./helpers.js";

export const SECRET = "queue-test-secret-0123456789-abcdef";

/** A queue (API side) and any number of in-process workers on a private prefix, topic and group. */
export async function harness(name: string, opts: { brokers?: string[]; graceSec?: number; partitions?: number; watchMinIntervalMs?: number; watchMaxIntervalMs?: number; joinLingerMs?: number } = {}) {
  const prefix = randomPrefix();
  const topic = randomTopic(name);
  const groupId = `g-${topic}`;
  const brokers = opts.brokers ?? KAFKA_BROKERS;
  const db = testDb();
  await ensureTopic(createKafka(brokers, "test-admin"), topic, opts.partitions ?? 4);
  const queue = new Queue({ redisUrl: REDIS_URL, kafkaBrokers: brokers, topic, secret: SECRET, db, prefix, heartbeatGraceSec: opts.graceSec ?? 120, watchMinIntervalMs: opts.watchMinIntervalMs, watchMaxIntervalMs: opts.watchMaxIntervalMs, joinLingerMs: opts.joinLingerMs });
  await queue.start();
  const workers: Awaited<ReturnType<typeof startWorker>>[] = [];
  return {
    prefix,
    topic,
    groupId,
    queue,
    db,
    workerConfig: { redisUrl: REDIS_URL, kafkaBrokers: brokers, topic, partitions: opts.partitions ?? 4, groupId, prefix, heartbeatGraceSec: opts.graceSec ?? 120, payingGraceMs: 60_000 },
    async startWorker() {
      const w = await startWorker({ ...this.workerConfig, clientId: `w${workers.length}` });
      workers.push(w);
      // Joining the consumer group can take a few seconds on a loaded machine; tests time admission, not that.
      await w.joined;
      return w;
    },
    async close() {
      await Promise.all(workers.map((w) => w.stop().catch(() => undefined)));
      await queue.close();
      const keys = await queue.redis.keys(`${prefix}:*`).catch(() => []);
      if (keys.length) await queue.redis.del(...keys).catch(() => undefined);
    },
  };
}

/**
 * What the API's checkout does to MySQL, reduced to its guards: take one unit if any is left and
 * record the order (unique per ticket and per user+product). Returns the order id or null.
 */
export async function buy(db: Database, productId: number, userId: string, ticketId: string): Promise<number | null> {
  return db.transaction(async (tx) => {
    const [res] = await tx.execute(sql`UPDATE product SET stock = stock - 1 WHERE id = ${productId} AND stock > 0`);
    if ((res as unknown as { affectedRows: number }).affectedRows !== 1) return null;
    const [ins] = await tx.insert(order).values({
      userId,
      productId,
      ticketId,
      amountMinor: 1000,
      currency: "USD",
      status: "PAID",
      channel: "web",
      idempotencyKey: randomUUID(),
    });
    return Number(ins.insertId);
  });
}

export async function stockOf(db: Database, productId: number): Promise<number> {
  const [row] = await db.select({ stock: product.stock }).from(product).where(eq(product.id, productId));
  return row?.stock ?? -1;
}

export async function ordersOf(db: Database, productId: number) {
  return db.select().from(order).where(eq(order.productId, productId));
}

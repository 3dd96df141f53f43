import { randomUUID } from "node:crypto";
import { type Database, createDb, product } from "@quickdeal/db";
import { Redis } from "ioredis";
import type { Queue } from "../src/queue.js";
import { RoomStore } from "../src/store.js";
import type { RoomConfig, TicketStatus } from "../src/types.js";
import { REDIS_URL, TEST_DB_URL, TEST_TOPIC_PREFIX } from "./env.js";

export const randomPrefix = () => `qt${randomUUID().slice(0, 8)}`;
export const randomTopic = (name: string) => `${TEST_TOPIC_PREFIX}${name}.${randomUUID().slice(0, 8)}`;

/** A store on its own key prefix, cleaned up afterwards. */
export async function testStore() {
  const redis = new Redis(REDIS_URL);
  const prefix = randomPrefix();
  const store = new RoomStore(redis, prefix);
  return {
    store,
    redis,
    prefix,
    async cleanup() {
      const keys = await redis.keys(`${prefix}:*`);
      if (keys.length) await redis.del(...keys);
      redis.disconnect();
    },
  };
}

export function roomConfig(over: Partial<RoomConfig> = {}): RoomConfig {
  return {
    productId: 1,
    stock: 10,
    initialStock: 10,
    capacity: 3,
    checkoutTtlSec: 60,
    saleStartsAt: new Date(Date.now() - 60_000),
    saleEndsAt: null,
    paused: false,
    ...over,
  };
}

let handle: ReturnType<typeof createDb> | undefined;
export function testDb(): Database {
  handle ??= createDb(TEST_DB_URL);
  return handle.db;
}
export async function closeDb() {
  await handle?.close();
  handle = undefined;
}

/** Inserts a product on sale now and returns its id. */
export async function insertProduct(db: Database, over: Partial<typeof product.$inferInsert> = {}): Promise<number> {
  const slug = `p-${randomUUID().slice(0, 12)}`;
  const [res] = await db.insert(product).values({
    slug,
    name: `Test ${slug}`,
    description: "test",
    category: "test",
    imageUrl: `/img/p/${slug}.svg`,
    priceMinor: 1000,
    currency: "USD",
    stock: 10,
    initialStock: 10,
    saleStartsAt: new Date(Date.now() - 60_000),
    saleEndsAt: null,
    capacity: 5,
    checkoutTtlSec: 60,
    ...over,
  });
  return Number(res.insertId);
}

export async function until<T>(what: string, fn: () => Promise<T | undefined | false> | T | undefined | false, timeoutMs = 30_000, stepMs = 50): Promise<T> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const v = await fn();
    if (v !== undefined && v !== false) return v as T;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, stepMs));
  }
}

/** `n` new shoppers join one after another, so their numbers follow their order. */
export async function joinInOrder(queue: Queue, productId: number, n: number): Promise<{ users: string[]; joined: TicketStatus[] }> {
  const users = Array.from({ length: n }, () => randomUUID());
  const joined: TicketStatus[] = [];
  for (const u of users) joined.push(await queue.join(u, productId));
  return { users, joined };
}

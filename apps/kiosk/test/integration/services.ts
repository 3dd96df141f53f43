/**
 * The real back end for the kiosk's integration test: MariaDB database `quickdeal_test_kiosk`
 * (migrated with @quickdeal/db), Redis under a random prefix, a Kafka topic of our own, the
 * queue worker in-process, and the API server as a child process (`packages/api/dist/server.js`,
 * exactly what runs in production).
 */
import { type ChildProcess, spawn } from "node:child_process";
import { randomBytes, randomUUID } from "node:crypto";
import { existsSync } from "node:fs";
import { createRequire } from "node:module";
import { createServer } from "node:net";
import { dirname, join } from "node:path";
import { createDb, type DbHandle, hashPassword, kiosk, migrate, type NewProduct, product } from "@quickdeal/db";
import { createKafka, deleteTopics, ensureTopic, startWorker, topicFamily } from "@quickdeal/queue";
import { Redis } from "ioredis";
import mysql from "mysql2/promise";

export const DB_URL = process.env.KIOSK_TEST_DATABASE_URL ?? "mysql://root@127.0.0.1:3306/quickdeal_test_kiosk";
const REDIS_URL = process.env.REDIS_URL ?? "redis://127.0.0.1:6379";
const KAFKA_BROKERS = (process.env.KAFKA_BROKERS ?? "127.0.0.1:9092").split(",");
const SECRET = "kiosk-test-secret-0123456789-abcdefghij";

export interface Backend {
  apiUrl: string;
  db: DbHandle;
  registerKiosk(name: string): Promise<{ kioskId: string; key: string }>;
  insertProduct(over?: Partial<NewProduct>): Promise<number>;
  close(): Promise<void>;
}

function apiServerPath(): string {
  const require = createRequire(import.meta.url);
  // Resolved without the source condition: the package's built entry, next to server.js.
  const server = join(dirname(require.resolve("@quickdeal/api")), "server.js");
  if (!existsSync(server)) {
    throw new Error(`${server} is missing: build the API first (npm run build -w @quickdeal/db -w @quickdeal/queue -w @quickdeal/api)`);
  }
  return server;
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once("error", reject);
    s.listen(0, "127.0.0.1", () => {
      const addr = s.address();
      const port = typeof addr === "object" && addr ? addr.port : 0;
      s.close(() => resolve(port));
    });
  });
}

async function freshDatabase(): Promise<void> {
  const url = new URL(DB_URL);
  const name = url.pathname.slice(1);
  url.pathname = "/";
  const conn = await mysql.createConnection(url.toString());
  try {
    await conn.query(`DROP DATABASE IF EXISTS \`${name}\``);
  } finally {
    await conn.end();
  }
  await migrate(DB_URL);
}

async function waitForHealth(url: string, child: ChildProcess, output: () => string, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`the API server exited (${child.exitCode}):\n${output()}`);
    try {
      const res = await fetch(`${url}/healthz`);
      if (res.ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`the API server did not become healthy in ${timeoutMs} ms:\n${output()}`);
}

export async function startBackend(): Promise<Backend> {
  const id = randomBytes(4).toString("hex");
  const prefix = `kt${id}`;
  const topic = `kiosk.test.${id}`;
  await freshDatabase();
  const db = createDb(DB_URL);
  await ensureTopic(createKafka(KAFKA_BROKERS, `kiosk-test-admin-${id}`), topic, 2);

  const worker = await startWorker({
    redisUrl: REDIS_URL,
    kafkaBrokers: KAFKA_BROKERS,
    topic,
    partitions: 2,
    groupId: `g-${topic}`,
    prefix,
    heartbeatGraceSec: 120,
    payingGraceMs: 60_000,
    clientId: `kiosk-test-worker-${id}`,
  });
  await worker.joined;

  const port = await freePort();
  let out = "";
  const child = spawn(process.execPath, [apiServerPath()], {
    env: {
      PATH: process.env.PATH ?? "",
      DATABASE_URL: DB_URL,
      REDIS_URL,
      REDIS_PREFIX: prefix,
      KAFKA_BROKERS: KAFKA_BROKERS.join(","),
      KAFKA_JOIN_TOPIC: topic,
      KAFKA_JOIN_PARTITIONS: "2",
      AUTH_SECRET: SECRET,
      API_PORT: String(port),
      API_HOST: "127.0.0.1",
      API_WORKERS: "1",
      // Start at once: the suite tests behaviour, not a cold process's speed (warmup.ts).
      API_WARMUP_SHOPPERS: "0",
      LOG_LEVEL: process.env.KIOSK_TEST_API_LOG ?? "warn",
      PAYMENT_SLOW_MS: "300",
      DB_POOL_SIZE: "5",
    },
    stdio: ["ignore", "pipe", "pipe"],
  });
  const keep = (chunk: Buffer) => {
    out = (out + chunk.toString()).slice(-20_000);
    if (process.env.KIOSK_TEST_API_LOG) process.stderr.write(chunk);
  };
  child.stdout?.on("data", keep);
  child.stderr?.on("data", keep);
  const base = `http://127.0.0.1:${port}`;
  await waitForHealth(base, child, () => out);

  return {
    apiUrl: `${base}/api/trpc`,
    db,
    async registerKiosk(name) {
      // The same shape admin.kiosks.register stores: a random key, only its scrypt hash kept.
      const kioskId = randomUUID();
      const key = `qdk_${randomBytes(24).toString("base64url")}`;
      await db.db.insert(kiosk).values({ id: kioskId, store: "Test Store", name, keyHash: await hashPassword(key) });
      return { kioskId, key };
    },
    async insertProduct(over = {}) {
      const slug = `kiosk-${randomUUID().slice(0, 12)}`;
      const [row] = await db.db
        .insert(product)
        .values({
          slug,
          name: `Kiosk deal ${slug.slice(6)}`,
          description: "integration test product",
          category: "Test",
          imageUrl: `/img/p/${slug}.svg`,
          priceMinor: 2500,
          currency: "USD",
          stock: 3,
          initialStock: 3,
          saleStartsAt: new Date(Date.now() - 60_000),
          saleEndsAt: null,
          capacity: 1,
          checkoutTtlSec: 120,
          ...over,
        })
        .$returningId();
      if (!row) throw new Error("product insert failed");
      return row.id;
    },
    async close() {
      const exited = new Promise<void>((resolve) => {
        if (child.exitCode !== null) resolve();
        else child.once("exit", () => resolve());
      });
      child.kill("SIGTERM");
      const timer = setTimeout(() => child.kill("SIGKILL"), 10_000);
      await exited;
      clearTimeout(timer);
      await worker.stop().catch(() => undefined);
      const redis = new Redis(REDIS_URL);
      try {
        const keys = await redis.keys(`${prefix}:*`);
        if (keys.length) await redis.del(...keys);
      } finally {
        redis.disconnect();
      }
      // The topic and the API's warm-up topic named after it, so a long-lived broker keeps none.
      await deleteTopics(createKafka(KAFKA_BROKERS, `kiosk-test-admin-${id}`), topicFamily(topic)).catch(() => undefined);
      await db.close();
    },
  };
}

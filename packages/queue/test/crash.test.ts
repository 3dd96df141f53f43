import { type ChildProcess, spawn } from "node:child_process";
import { randomUUID } from "node:crypto";
import { fileURLToPath } from "node:url";
import { afterAll, afterEach, describe, expect, it } from "vitest";
import type { TicketStatus } from "../src/types.js";
import { REDIS_URL } from "./env.js";
import { harness } from "./harness.js";
import { closeDb, insertProduct, testDb, until } from "./helpers.js";
import { privateBroker } from "./private-broker.js";

let h: Awaited<ReturnType<typeof harness>> | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});
afterAll(() => closeDb());

const WORKER = fileURLToPath(new URL("../src/worker.ts", import.meta.url));

/** The real worker entry in its own process, so it can be SIGKILLed. */
function spawnWorker(env: Record<string, string>): ChildProcess {
  return spawn(process.execPath, ["--import", "tsx", WORKER], {
    env: { ...process.env, ...env, WORKER_METRICS_PORT: "0", LOG_LEVEL: "warn" },
    stdio: ["ignore", "ignore", "inherit"],
  });
}

async function kill(p: ChildProcess) {
  if (p.exitCode !== null) return;
  await new Promise<void>((r) => {
    p.once("exit", () => r());
    p.kill("SIGKILL");
  });
}

describe("crash", () => {
  it("a worker SIGKILLed mid-admission, again and again, admits nobody twice and skips nobody", async () => {
    h = await harness("crash");
    const db = testDb();
    const N = 300;
    const productId = await insertProduct(db, { stock: 1000, initialStock: 1000, capacity: 15, checkoutTtlSec: 120 });
    const users = Array.from({ length: N }, () => randomUUID());
    const joined = await Promise.all(users.map((u) => h!.queue.join(u, productId)));
    const bySeq = new Map(joined.map((j, i) => [j.seq, { ticket: j.ticket, user: users[i] as string }]));
    const env = {
      REDIS_URL,
      KAFKA_BROKERS: h.workerConfig.kafkaBrokers.join(","),
      KAFKA_JOIN_TOPIC: h.topic,
      KAFKA_GROUP_ID: h.groupId,
      REDIS_PREFIX: h.prefix,
    };
    let worker = spawnWorker(env);
    let kills = 0;
    let purchased = 0;
    // Kill by progress, not by clock: admission from memory is fast enough to serve everyone
    // between two timer ticks, which would leave nothing to interrupt.
    const killAt = [N / 4, N / 2, (3 * N) / 4];
    try {
      await until(
        "everyone served",
        async () => {
          const recs = await h!.queue.redis.hgetall(h!.queue.store.keys(productId).tickets);
          const entries = Object.entries(recs).map(([seq, rec]) => ({ seq: Number(seq), state: rec[0] }));
          const waiting = entries.filter((e) => e.state === "W").map((e) => e.seq);
          const served = entries.filter((e) => e.state !== "W").map((e) => e.seq);
          if (waiting.length && served.length) expect(Math.max(...served)).toBeLessThan(Math.min(...waiting));
          for (const e of entries.filter((x) => x.state === "A")) {
            const t = bySeq.get(e.seq)!;
            await h!.queue.checkout.begin(t.ticket, t.user);
            await h!.queue.checkout.complete(t.ticket, t.user, e.seq);
            purchased++;
          }
          if (kills < killAt.length && purchased >= killAt[kills]! && purchased < N) {
            kills++;
            await kill(worker);
            worker = spawnWorker(env);
          }
          return purchased >= N;
        },
        110_000,
        25,
      );
    } finally {
      await kill(worker);
    }
    expect(kills).toBe(3);
    const room = await h.queue.store.room(productId);
    // admittedTotal counts W→A transitions: equal to N means nobody was admitted twice.
    expect(room).toMatchObject({ admittedTotal: N, sold: N, admitted: 0, serving: N });
  }, 150_000);
});

describe("broker restart", () => {
  it("joins fail with a retryable error while Kafka is down, and every answered join is still in line afterwards", async () => {
    const broker = await privateBroker();
    await broker.start();
    try {
      h = await harness("restart", { brokers: broker.brokers, partitions: 2 });
      const db = testDb();
      const productId = await insertProduct(db, { stock: 1000, initialStock: 1000, capacity: 1000 });
      const answered: TicketStatus[] = [];
      const failures: unknown[] = [];
      const joinSome = async (n: number) => {
        const res = await Promise.allSettled(Array.from({ length: n }, () => h!.queue.join(randomUUID(), productId)));
        for (const r of res) {
          if (r.status === "fulfilled") answered.push(r.value);
          else failures.push(r.reason);
        }
      };
      await joinSome(100);
      expect(answered).toHaveLength(100);
      const inFlight = joinSome(100);
      await broker.kill();
      await inFlight;
      await joinSome(20);
      expect(failures.length).toBeGreaterThanOrEqual(20);
      for (const f of failures) expect(f).toMatchObject({ code: "UNAVAILABLE", retryable: true });
      await broker.start();
      await until(
        "joins work again",
        async () => {
          const before = answered.length;
          await joinSome(5);
          return answered.length > before;
        },
        60_000,
        500,
      );
      await joinSome(50);
      // Every answered ticket must be in the log: the worker admits exactly those.
      await h.startWorker();
      await until("all answered admitted", async () => {
        const recs = await h!.queue.redis.hgetall(h!.queue.store.keys(productId).tickets);
        return answered.every((a) => recs[String(a.seq)]?.[0] === "A");
      }, 60_000);
      const recs = await h.queue.redis.hgetall(h.queue.store.keys(productId).tickets);
      // Joins that failed left nothing behind: no ticket is waiting without a log entry.
      expect(Object.values(recs).filter((r) => r[0] === "W")).toHaveLength(0);
      expect((await h.queue.store.room(productId))?.admittedTotal).toBe(answered.length);
    } finally {
      await h?.close();
      h = undefined;
      await broker.destroy();
    }
  }, 240_000);
});

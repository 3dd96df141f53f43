/**
 * `--million`: how much Redis a line of a million shoppers for one product costs. Drives the
 * queue's RoomStore (the Redis door the API uses: the same join script, the same keys) directly,
 * not over HTTP and without Kafka: the question is memory, and a million HTTP sign-ins and joins
 * would take this 2-core machine many minutes without changing a byte in Redis.
 */
import { randomUUID } from "node:crypto";
import { RoomStore } from "@quickdeal/queue";
import { Redis } from "ioredis";
import type { BenchEnv } from "../env.js";
import type { BenchOptions } from "../options.js";
import type { MillionResult } from "../report/result.js";
import { load1, machine } from "./machine.js";
import { deletePrefix, info, prefixMemory, usedMemory } from "./redis-stats.js";

/** Redis's CPU seconds so far (user + system, all its threads). */
async function redisCpuSec(redis: Redis): Promise<number> {
  const cpu = await info(redis, "cpu");
  return Number(cpu.used_cpu_user ?? 0) + Number(cpu.used_cpu_sys ?? 0);
}

const log = (msg: string) => console.log(`[bench ${new Date().toISOString().slice(11, 19)}] ${msg}`);

export async function runMillion(opts: BenchOptions, env: BenchEnv, runId: string): Promise<MillionResult> {
  const loadBefore = load1();
  const redis = new Redis(env.redisUrl, { enableAutoPipelining: true });
  const prefix = `benchm${runId.replace(/[^A-Za-z0-9]/g, "")}`;
  const store = new RoomStore(redis, prefix);
  const productId = 1;
  try {
    const redisVersion = (await info(redis, "server")).redis_version ?? "?";
    const policy = (await redis.config("GET", "maxmemory-policy")) as string[];
    await store.initRoom({
      productId,
      stock: 1000,
      initialStock: 1000,
      capacity: 100,
      checkoutTtlSec: 120,
      saleStartsAt: new Date(Date.now() - 60_000),
      saleEndsAt: null,
      // Paused: nobody is admitted, the whole million waits.
      paused: true,
    });
    const before = await usedMemory(redis);
    const total = opts.millionCount;
    log(`queueing ${total.toLocaleString("en-US")} shoppers in Redis (prefix ${prefix}) …`);
    const started = performance.now();
    const redisCpuBefore = await redisCpuSec(redis);
    const clientCpuBefore = process.cpuUsage();
    let next = 0;
    let done = 0;
    await Promise.all(
      Array.from({ length: 1000 }, async () => {
        while (next < total) {
          next++;
          // Guest ids are server-issued UUIDs, as auth.guest makes them.
          await store.join(productId, randomUUID(), Date.now());
          done++;
          if (done % 200_000 === 0) log(`  ${done.toLocaleString("en-US")} in line`);
        }
      }),
    );
    const seconds = (performance.now() - started) / 1000;
    const redisCpuSecUsed = (await redisCpuSec(redis)) - redisCpuBefore;
    const client = process.cpuUsage(clientCpuBefore);
    const after = await usedMemory(redis);
    const mem = await prefixMemory(redis, prefix);
    const keys = store.keys(productId);
    const encodings: Record<string, string> = {};
    for (const [name, key] of [
      ["tickets", keys.tickets],
      ["users", keys.users],
    ] as const) {
      encodings[name] = String(await redis.call("OBJECT", "ENCODING", key));
    }
    const room = await store.room(productId);
    if (room?.seq !== total) throw new Error(`expected ${total} tickets, the room says ${room?.seq}`);
    return {
      runId,
      measuredAt: new Date().toISOString(),
      mode: "million",
      machine: { ...machine(), mariadb: "-", redis: redisVersion, loadAverage1m: { before: loadBefore, after: load1() } },
      shoppers: total,
      method:
        "RoomStore.join (the API's join script and keys) called directly with random UUID user ids, 1,000 calls in flight on one auto-pipelined ioredis connection (joins arriving together share one script call, as in the API); " +
        "no HTTP and no Kafka (the log lives on the broker's disk, not in Redis); the room is paused so everyone stays waiting. " +
        "Memory = MEMORY USAGE of the room's keys, and INFO used_memory before/after (Redis is shared, so the delta can include other tenants).",
      joinsPerSec: Math.round(total / seconds),
      redisCpuUsPerJoin: Math.round((redisCpuSecUsed * 1e7) / total) / 10,
      clientCpuUsPerJoin: Math.round(((client.user + client.system) * 10) / total) / 10,
      redisBytesPerShopper: Math.round(mem.total / total),
      redisUsedMemoryDeltaPerShopper: Math.round((after - before) / total),
      roomKeysBytes: mem.total,
      bytesByKey: mem.byKind,
      usedMemoryBefore: before,
      usedMemoryAfter: after,
      usedMemoryMb: Math.round(((after - before) / 2 ** 20) * 10) / 10,
      roomKeysMb: Math.round((mem.total / 2 ** 20) * 10) / 10,
      hashEncoding: encodings,
      redisMaxmemoryPolicy: policy[1] ?? "?",
    };
  } finally {
    if (!opts.keep) await deletePrefix(redis, prefix).catch(() => 0);
    redis.disconnect();
  }
}

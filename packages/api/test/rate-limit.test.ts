// The limiters on their own, against the real Redis: two limiter sets on one prefix stand for two
// API processes.
import { randomUUID } from "node:crypto";
import { TRPCError } from "@trpc/server";
import { Redis } from "ioredis";
import { pino } from "pino";
import { afterAll, describe, expect, it, vi } from "vitest";
import { defaultRateLimits, type RateLimitConfig } from "../src/config.js";
import { createRateLimiters } from "../src/rate-limit.js";
import { REDIS_URL } from "./env.js";

const redis = new Redis(REDIS_URL);
afterAll(() => redis.quit());

const config: RateLimitConfig = {
  ...defaultRateLimits,
  joinPerUser: { points: 3, durationSec: 60 },
  joinPerIp: { points: 5, durationSec: 60 },
};
const log = pino({ level: "silent" });

async function refused(p: Promise<void>): Promise<TRPCError> {
  const err = await p.then(
    () => null,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(TRPCError);
  expect((err as TRPCError).code).toBe("TOO_MANY_REQUESTS");
  return err as TRPCError;
}

describe("rate limiters", () => {
  it("counts the per-IP join limit across processes in Redis, and refuses from memory once spent", async () => {
    const prefix = `rl${randomUUID().slice(0, 8)}`;
    const a = createRateLimiters(redis, prefix, config, log);
    const b = createRateLimiters(redis, prefix, config, log);
    for (let i = 0; i < 5; i++) await (i % 2 ? a : b).consume([["joinPerIp", "10.0.0.1"]]);
    await refused(a.consume([["joinPerIp", "10.0.0.1"]]));
    await refused(b.consume([["joinPerIp", "10.0.0.1"]]));
    // Another address is unaffected.
    await a.consume([["joinPerIp", "10.0.0.2"]]);
    // Refused from memory: the counter in Redis no longer moves.
    const key = `${prefix}:rl:joinPerIp:10.0.0.1`;
    const before = await redis.get(key);
    await refused(a.consume([["joinPerIp", "10.0.0.1"]]));
    expect(await redis.get(key)).toBe(before);
    // reset() forgets both the Redis counter and the in-memory block.
    await a.reset("joinPerIp", "10.0.0.1");
    await a.consume([["joinPerIp", "10.0.0.1"]]);
    await redis.del(key, `${prefix}:rl:joinPerIp:10.0.0.2`);
  });

  it("counts the per-user join limit in each process, with a retry hint", async () => {
    const prefix = `rl${randomUUID().slice(0, 8)}`;
    const a = createRateLimiters(redis, prefix, config, log);
    const b = createRateLimiters(redis, prefix, config, log);
    for (let i = 0; i < 3; i++) await a.consume([["joinPerUser", "u1"]]);
    const err = await refused(a.consume([["joinPerUser", "u1"]]));
    expect(err.message).toMatch(/Please wait \d+ seconds? and try again/);
    // Idempotent joins: another process may serve the same user up to its own limit.
    await b.consume([["joinPerUser", "u1"]]);
    expect(await redis.exists(`${prefix}:rl:joinPerUser:u1`)).toBe(0);
    // Both checks together: the spent one refuses the request, without spending the IP's point.
    await refused(a.consume([
      ["joinPerUser", "u1"],
      ["joinPerIp", "10.0.0.3"],
    ]));
    expect(await redis.exists(`${prefix}:rl:joinPerIp:10.0.0.3`)).toBe(0);
    await a.reset("joinPerUser", "u1");
    await a.consume([["joinPerUser", "u1"]]);
    await redis.del(`${prefix}:rl:joinPerIp:10.0.0.3`);
  });

  it("opens a new per-user window once the old one ends", async () => {
    vi.useFakeTimers({ now: Date.now(), toFake: ["Date"] });
    try {
      const limits = createRateLimiters(redis, `rl${randomUUID().slice(0, 8)}`, config, log);
      for (let i = 0; i < 3; i++) await limits.consume([["joinPerUser", "u9"]]);
      const err = await refused(limits.consume([["joinPerUser", "u9"]]));
      expect(err.message).toMatch(/Please wait (59|60) seconds/);
      vi.advanceTimersByTime(59_000);
      await refused(limits.consume([["joinPerUser", "u9"]]));
      vi.advanceTimersByTime(1_000);
      for (let i = 0; i < 3; i++) await limits.consume([["joinPerUser", "u9"]]);
      await refused(limits.consume([["joinPerUser", "u9"]]));
    } finally {
      vi.useRealTimers();
    }
  });
});

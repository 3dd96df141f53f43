// The limiters on their own (and the queue's join script, which counts the per-IP join limit), against
// the real Redis: two limiter sets on one prefix stand for two API processes.
import { randomUUID } from "node:crypto";
import { RoomStore, joinLimitKey } from "@quickdeal/queue";
import { TRPCError } from "@trpc/server";
import { Redis } from "ioredis";
import { pino } from "pino";
import { afterAll, describe, expect, it, vi } from "vitest";
import { defaultRateLimits, type RateLimitConfig } from "../src/config.js";
import { ReasonError } from "../src/errors.js";
import { createRateLimiters, type RateLimiters } from "../src/rate-limit.js";
import { REDIS_URL } from "./env.js";

const redis = new Redis(REDIS_URL);
afterAll(() => redis.quit());

const config: RateLimitConfig = {
  ...defaultRateLimits,
  joinPerUser: { points: 3, durationSec: 60 },
  joinPerIp: { points: 5, durationSec: 60 },
};
const log = pino({ level: "silent" });

async function refused(p: Promise<unknown>): Promise<TRPCError> {
  const err = await p.then(
    () => null,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(TRPCError);
  expect((err as TRPCError).code).toBe("TOO_MANY_REQUESTS");
  return err as TRPCError;
}

const P = 1;
const P2 = 2;
/** Rooms on sale now, on the limiters' prefix: the join script counts the per-IP limit. */
async function roomOn(prefix: string, productIds = [P]): Promise<RoomStore> {
  const store = new RoomStore(redis, prefix);
  for (const productId of productIds) {
    await store.initRoom({
      productId,
      stock: 10,
      initialStock: 10,
      capacity: 3,
      checkoutTtlSec: 60,
      saleStartsAt: new Date(Date.now() - 60_000),
      saleEndsAt: null,
      paused: false,
    });
  }
  return store;
}

async function dropPrefix(prefix: string) {
  const keys = await redis.keys(`${prefix}:*`);
  if (keys.length) await redis.del(...keys);
}

describe("rate limiters", () => {
  it("counts the per-IP join limit per product across processes in the join script, and refuses from memory once refused", async () => {
    const prefix = `rl${randomUUID().slice(0, 8)}`;
    const store = await roomOn(prefix, [P, P2]);
    const a = createRateLimiters(redis, prefix, config, log);
    const b = createRateLimiters(redis, prefix, config, log);
    let scripts = 0;
    const join = (limits: RateLimiters, ip: string, productId = P, user = randomUUID()) =>
      limits.join(user, ip, productId, (limit) => {
        scripts++;
        return store.join(productId, user, Date.now(), limit);
      });
    for (let i = 0; i < 5; i++) await join(i % 2 ? a : b, "10.0.0.1");
    const err = await refused(join(a, "10.0.0.1"));
    // The same answer as any other limit: reason, retry hint and message.
    expect(err.message).toMatch(/^Too many attempts\. Please wait (59|60) seconds and try again\.$/);
    expect(err.cause).toBeInstanceOf(ReasonError);
    expect(err.cause).toMatchObject({ reason: "RATE_LIMITED" });
    expect((err.cause as ReasonError).retryAfterMs).toBeGreaterThan(58_000);
    await refused(join(b, "10.0.0.1"));
    // Another address is unaffected, and so is this address at another product (its own counter).
    await join(a, "10.0.0.2");
    await join(a, "10.0.0.10");
    await join(a, "10.0.0.1", P2);
    // The counter is rate-limiter-flexible's (an integer with the window as its expiry), per product.
    const key = joinLimitKey(prefix, P, "10.0.0.1");
    const key2 = joinLimitKey(prefix, P2, "10.0.0.1");
    expect(key).toBe(`${prefix}:{p:${P}}:rl:joinPerIp:10.0.0.1`);
    expect(await redis.get(key)).toBe("7");
    expect(await redis.get(key2)).toBe("1");
    expect(await redis.pttl(key)).toBeGreaterThan(58_000);
    // Refused from memory: no script runs and the counter in Redis no longer moves.
    const before = scripts;
    await refused(join(a, "10.0.0.1"));
    await refused(join(b, "10.0.0.1"));
    expect(scripts).toBe(before);
    expect(await redis.get(key)).toBe("7");
    // Spend the window at the other product too, so `a` holds two blocks for this address.
    for (let i = 0; i < 5; i++) await join(a, "10.0.0.1", P2).catch(() => undefined);
    await refused(join(a, "10.0.0.1", P2));
    const scriptsBlocked = scripts;
    await refused(join(a, "10.0.0.1", P2));
    expect(scripts).toBe(scriptsBlocked);
    // A glob character in the address matches nothing but itself.
    await a.reset("joinPerIp", "10.0.0.*");
    expect(await redis.exists(key, key2)).toBe(2);
    // reset() forgets the address's counters at every product and its in-memory blocks, only its own.
    await a.reset("joinPerIp", "10.0.0.1");
    expect(await redis.exists(key, key2)).toBe(0);
    expect(await redis.get(joinLimitKey(prefix, P, "10.0.0.10"))).toBe("1");
    await join(a, "10.0.0.1");
    await join(a, "10.0.0.1", P2);
    expect(await redis.get(key)).toBe("1");
    expect(await redis.get(key2)).toBe("1");
    await dropPrefix(prefix);
  });

  it("counts a repeat join and one the room refuses against the per-IP limit of that product", async () => {
    const prefix = `rl${randomUUID().slice(0, 8)}`;
    const store = await roomOn(prefix);
    const limits = createRateLimiters(redis, prefix, config, log);
    const ip = "::1";
    const user = randomUUID();
    const first = await limits.join(user, ip, P, (limit) => store.join(P, user, Date.now(), limit));
    const again = await limits.join(user, ip, P, (limit) => store.join(P, user, Date.now(), limit));
    expect(again).toEqual({ ...first, created: false });
    await expect(limits.join(randomUUID(), ip, 99, (limit) => store.join(99, "x", Date.now(), limit))).rejects.toMatchObject({ code: "NOT_FOUND" });
    expect(await redis.get(joinLimitKey(prefix, P, ip))).toBe("2");
    expect(await redis.get(joinLimitKey(prefix, 99, ip))).toBe("1");
    // An IPv6 address (colons) is reset like any other.
    await limits.reset("joinPerIp", ip);
    expect(await redis.exists(joinLimitKey(prefix, P, ip), joinLimitKey(prefix, 99, ip))).toBe(0);
    await dropPrefix(prefix);
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
    // A join by the spent user is refused before its IP's point is spent: the join never runs.
    let ran = false;
    await refused(
      a.join("u1", "10.0.0.3", P, async () => {
        ran = true;
      }),
    );
    expect(ran).toBe(false);
    expect(await redis.exists(joinLimitKey(prefix, P, "10.0.0.3"))).toBe(0);
    await a.reset("joinPerUser", "u1");
    await a.consume([["joinPerUser", "u1"]]);
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

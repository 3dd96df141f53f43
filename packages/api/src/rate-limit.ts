import { type JoinLimit, QueueError, joinLimitPattern, rateLimitMessage } from "@quickdeal/queue";
import type { Redis } from "ioredis";
import { LRUCache } from "lru-cache";
import type { Logger } from "pino";
import { RateLimiterMemory, RateLimiterRedis, RateLimiterRes } from "rate-limiter-flexible";
import type { RateLimitConfig } from "./config.js";
import { fail } from "./errors.js";

export type LimitName = keyof RateLimitConfig;
/** Limits checked by `consume`; the per-IP join limit is counted by the join script (see `join`). */
export type ConsumedLimitName = Exclude<LimitName, "joinPerIp">;

export interface RateLimiters {
  /**
   * Spends one point from each named limiter; throws TOO_MANY_REQUESTS with a retry hint when
   * any is exhausted. In-process limits are checked first, so a request they refuse costs no
   * Redis call. If Redis fails, the request goes through: a broken limiter must not take the
   * sale down with it.
   */
  consume(checks: [ConsumedLimitName, string][]): Promise<void>;
  /**
   * Runs a join at `productId` under the join limits: spends the user's point (in memory), refuses
   * an address known to have spent its per-IP window at that product (from memory, no Redis call),
   * and hands `join` the per-IP limit for the join script, which counts it in the same call that
   * takes the place. The per-IP limit is per product: its counter shares the room's Redis Cluster
   * slot. A refusal by the script is remembered until its window ends. Throws TOO_MANY_REQUESTS as
   * `consume` does.
   */
  join<T>(userId: string, ip: string, productId: number, join: (limit: JoinLimit) => Promise<T>): Promise<T>;
  /** Forget a key's usage (tests, support); for "joinPerIp", the address's usage at every product. */
  reset(name: LimitName, key: string): Promise<void>;
}

/**
 * Limits counted in each API process's memory instead of Redis. A join is idempotent (a second one
 * returns the same ticket), so the per-user join limit only bounds how hard one session can make
 * a process work; checking it in Redis cost a Lua script per join, as much as the join it guards.
 * With N processes a user gets at most N times the limit, which buys nothing. The per-IP join
 * limit stays in Redis: it is what stops one address with many guest sessions (a bot farm)
 * grabbing places in a product's line, and that must hold across processes; the join script
 * itself counts it, per product.
 */
const LOCAL: ReadonlySet<LimitName> = new Set<LimitName>(["joinPerUser"]);
/** Counted by the join script per product, not by rate-limiter-flexible (same counter format). */
const IN_JOIN: ReadonlySet<LimitName> = new Set<LimitName>(["joinPerIp"]);
/** Address-product pairs refused from memory at once; past this the least recent cost a script call again. */
const MAX_BLOCKED_IPS = 10_000;

export function createRateLimiters(redis: Redis, prefix: string, config: RateLimitConfig, log: Logger): RateLimiters {
  const local = new Map<LimitName, RateLimiterMemory>();
  const shared = new Map<LimitName, RateLimiterRedis>();
  for (const name of Object.keys(config) as LimitName[]) {
    if (IN_JOIN.has(name)) continue;
    if (LOCAL.has(name)) {
      local.set(name, new RateLimiterMemory({ points: config[name].points, duration: config[name].durationSec }));
      continue;
    }
    shared.set(
      name,
      new RateLimiterRedis({
        storeClient: redis,
        keyPrefix: keyPrefix(prefix, name),
        points: config[name].points,
        duration: config[name].durationSec,
        // Once a key has used its points, refuse it from memory until its window ends: a
        // client hammering past its limit costs no Redis call (answers stay the same).
        inMemoryBlockOnConsumed: config[name].points,
      }),
    );
  }
  // Address-product pairs the join script refused (`blockKey`), with the end of their window (ms
  // since the epoch): the counter is per product, so is the block.
  const ipBlocked = new LRUCache<string, number>({ max: MAX_BLOCKED_IPS });
  const perIp = config.joinPerIp;

  function refuse(waitMs: number): never {
    throw fail("TOO_MANY_REQUESTS", "RATE_LIMITED", rateLimitMessage(waitMs), waitMs);
  }

  async function consumeLocal(checks: [LimitName, string][]): Promise<number> {
    let waitMs = 0;
    for (const [name, key] of checks) {
      const l = local.get(name);
      if (!l) continue;
      try {
        await l.consume(key);
      } catch (err) {
        if (!(err instanceof RateLimiterRes)) throw err;
        waitMs = Math.max(waitMs, err.msBeforeNext);
      }
    }
    return waitMs;
  }

  return {
    async consume(checks) {
      let waitMs = await consumeLocal(checks);
      // Already refused: the shared limits' points are not spent, and Redis is not asked.
      if (waitMs > 0) refuse(waitMs);
      const remote: Promise<RateLimiterRes>[] = [];
      for (const [name, key] of checks) {
        const r = shared.get(name);
        if (r) remote.push(r.consume(key));
      }
      if (remote.length === 0) return;
      const results = await Promise.allSettled(remote);
      for (const r of results) {
        if (r.status === "fulfilled") continue;
        if (r.reason instanceof RateLimiterRes) waitMs = Math.max(waitMs, r.reason.msBeforeNext);
        else log.warn({ err: r.reason }, "rate limiter unavailable; letting the request through");
      }
      if (waitMs > 0) refuse(waitMs);
    },

    async join(userId, ip, productId, join) {
      const userWaitMs = await consumeLocal([["joinPerUser", userId]]);
      if (userWaitMs > 0) refuse(userWaitMs);
      const blocked = blockKey(productId, ip);
      const until = ipBlocked.get(blocked);
      if (until !== undefined) {
        const waitMs = until - Date.now();
        if (waitMs > 0) refuse(waitMs);
        ipBlocked.delete(blocked);
      }
      try {
        return await join({ scope: ip, points: perIp.points, windowMs: perIp.durationSec * 1000 });
      } catch (err) {
        if (!(err instanceof QueueError) || err.code !== "RATE_LIMITED") throw err;
        const waitMs = err.retryAfterMs ?? perIp.durationSec * 1000;
        ipBlocked.set(blocked, Date.now() + waitMs);
        refuse(waitMs);
      }
    },

    async reset(name, key) {
      await local.get(name)?.delete(key);
      await shared.get(name)?.delete(key);
      if (IN_JOIN.has(name)) {
        // Collected first: deleting while iterating the cache would skip entries.
        const blocks = [...ipBlocked.keys()].filter((k) => k.slice(k.indexOf(" ") + 1) === key);
        for (const k of blocks) ipBlocked.delete(k);
        // The address has a counter per product (in each room's slot): find them all. A support
        // action, so a SCAN is fine; one DEL per key, as keys of different slots cannot share one.
        let cursor = "0";
        do {
          const [next, keys] = await redis.scan(cursor, "MATCH", joinLimitPattern(prefix, key), "COUNT", 1000);
          cursor = next;
          if (keys.length > 0) {
            const p = redis.pipeline();
            for (const k of keys) p.del(k);
            await p.exec();
          }
        } while (cursor !== "0");
      }
    },
  };
}

/** The in-memory block of an address at one product (a product id has no space). */
function blockKey(productId: number, ip: string): string {
  return `${productId} ${ip}`;
}

/** rate-limiter-flexible keeps a key's counter at `<keyPrefix>:<key>`. */
function keyPrefix(prefix: string, name: LimitName): string {
  return `${prefix}:rl:${name}`;
}

import { type JoinLimit, QueueError } from "@quickdeal/queue";
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
   * Runs a join under the join limits: spends the user's point (in memory), refuses an address
   * known to have spent its per-IP window (from memory, no Redis call), and hands `join` the per-IP
   * limit for the join script, which counts it in the same call that takes the place. A refusal
   * by the script is remembered until its window ends. Throws TOO_MANY_REQUESTS as `consume` does.
   */
  join<T>(userId: string, ip: string, join: (limit: JoinLimit) => Promise<T>): Promise<T>;
  /** Forget a key's usage (tests, support). */
  reset(name: LimitName, key: string): Promise<void>;
}

/**
 * Limits counted in each API process's memory instead of Redis. A join is idempotent (a second one
 * returns the same ticket), so the per-user join limit only bounds how hard one session can make
 * a process work; checking it in Redis cost a Lua script per join, as much as the join it guards.
 * With N processes a user gets at most N times the limit, which buys nothing. The per-IP join
 * limit stays in Redis: it is what stops one address with many guest sessions (a bot farm)
 * grabbing places, and that must hold across processes; the join script itself counts it.
 */
const LOCAL: ReadonlySet<LimitName> = new Set<LimitName>(["joinPerUser"]);
/** Counted by the join script, not by rate-limiter-flexible (same key and counter format). */
const IN_JOIN: ReadonlySet<LimitName> = new Set<LimitName>(["joinPerIp"]);
/** Addresses refused from memory at once; past this the least recent cost one script call again. */
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
  // Addresses the join script refused, with the end of their window (ms since the epoch).
  const ipBlocked = new LRUCache<string, number>({ max: MAX_BLOCKED_IPS });
  const perIp = config.joinPerIp;
  const perIpKeyPrefix = keyPrefix(prefix, "joinPerIp");

  function refuse(waitMs: number): never {
    const sec = Math.max(1, Math.ceil(waitMs / 1000));
    throw fail(
      "TOO_MANY_REQUESTS",
      "RATE_LIMITED",
      `Too many attempts. Please wait ${sec} second${sec === 1 ? "" : "s"} and try again.`,
      waitMs,
    );
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

    async join(userId, ip, join) {
      const userWaitMs = await consumeLocal([["joinPerUser", userId]]);
      if (userWaitMs > 0) refuse(userWaitMs);
      const until = ipBlocked.get(ip);
      if (until !== undefined) {
        const waitMs = until - Date.now();
        if (waitMs > 0) refuse(waitMs);
        ipBlocked.delete(ip);
      }
      try {
        return await join({ key: `${perIpKeyPrefix}:${ip}`, points: perIp.points, windowMs: perIp.durationSec * 1000 });
      } catch (err) {
        if (!(err instanceof QueueError) || err.code !== "RATE_LIMITED") throw err;
        const waitMs = err.retryAfterMs ?? perIp.durationSec * 1000;
        ipBlocked.set(ip, Date.now() + waitMs);
        refuse(waitMs);
      }
    },

    async reset(name, key) {
      await local.get(name)?.delete(key);
      await shared.get(name)?.delete(key);
      if (IN_JOIN.has(name)) {
        ipBlocked.delete(key);
        await redis.del(`${keyPrefix(prefix, name)}:${key}`);
      }
    },
  };
}

/** rate-limiter-flexible keeps a key's counter at `<keyPrefix>:<key>`; the join script uses the same. */
function keyPrefix(prefix: string, name: LimitName): string {
  return `${prefix}:rl:${name}`;
}

import type { Redis } from "ioredis";
import type { Logger } from "pino";
import { RateLimiterMemory, RateLimiterRedis, RateLimiterRes } from "rate-limiter-flexible";
import type { RateLimitConfig } from "./config.js";
import { fail } from "./errors.js";

export type LimitName = keyof RateLimitConfig;

export interface RateLimiters {
  /**
   * Spends one point from each named limiter; throws TOO_MANY_REQUESTS with a retry hint when
   * any is exhausted. In-process limits are checked first, so a request they refuse costs no
   * Redis call. If Redis fails, the request goes through: a broken limiter must not take the
   * sale down with it.
   */
  consume(checks: [LimitName, string][]): Promise<void>;
  /** Forget a key's usage (tests, support). */
  reset(name: LimitName, key: string): Promise<void>;
}

/**
 * Limits counted in each API process's memory instead of Redis. A join is idempotent (a second one
 * returns the same ticket), so the per-user join limit only bounds how hard one session can make
 * a process work; checking it in Redis cost a Lua script per join, as much as the join it guards.
 * With N processes a user gets at most N times the limit, which buys nothing. The per-IP join
 * limit stays in Redis: it is what stops one address with many guest sessions (a bot farm)
 * grabbing places, and that must hold across processes.
 */
const LOCAL: ReadonlySet<LimitName> = new Set<LimitName>(["joinPerUser"]);

export function createRateLimiters(redis: Redis, prefix: string, config: RateLimitConfig, log: Logger): RateLimiters {
  const local = new Map<LimitName, RateLimiterMemory>();
  const shared = new Map<LimitName, RateLimiterRedis>();
  for (const name of Object.keys(config) as LimitName[]) {
    if (LOCAL.has(name)) {
      local.set(name, new RateLimiterMemory({ points: config[name].points, duration: config[name].durationSec }));
      continue;
    }
    shared.set(
      name,
      new RateLimiterRedis({
        storeClient: redis,
        keyPrefix: `${prefix}:rl:${name}`,
        points: config[name].points,
        duration: config[name].durationSec,
        // Once a key has used its points, refuse it from memory until its window ends: a
        // client hammering past its limit costs no Redis call (answers stay the same).
        inMemoryBlockOnConsumed: config[name].points,
      }),
    );
  }

  function refuse(waitMs: number): never {
    const sec = Math.max(1, Math.ceil(waitMs / 1000));
    throw fail(
      "TOO_MANY_REQUESTS",
      "RATE_LIMITED",
      `Too many attempts. Please wait ${sec} second${sec === 1 ? "" : "s"} and try again.`,
      waitMs,
    );
  }

  return {
    async consume(checks) {
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
    async reset(name, key) {
      await local.get(name)?.delete(key);
      await shared.get(name)?.delete(key);
    },
  };
}

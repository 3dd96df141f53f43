import { randomUUID } from "node:crypto";
import { Redis } from "ioredis";
import { afterAll, describe, expect, it } from "vitest";
import { loadEnv } from "../scripts/lib/env.mjs";

const env = loadEnv();
const redis = new Redis(env.REDIS_URL ?? "redis://127.0.0.1:6379", { maxRetriesPerRequest: 1 });
const prefix = `qd-infra-test:${randomUUID()}:`;

// Takes one unit if any is left: the shape of the app's reservation scripts.
const TAKE = `
local left = tonumber(redis.call('GET', KEYS[1]) or '0')
if left <= 0 then return -1 end
return redis.call('DECR', KEYS[1])
`;

describe("redis", () => {
  afterAll(async () => {
    const keys = await redis.keys(`${prefix}*`);
    if (keys.length) await redis.del(...keys);
    redis.disconnect();
  });

  it("round-trips a value", async () => {
    await redis.set(`${prefix}greeting`, "hello", "EX", 60);
    expect(await redis.get(`${prefix}greeting`)).toBe("hello");
  });

  it("runs a Lua script atomically", async () => {
    const key = `${prefix}stock`;
    await redis.set(key, "2");
    const results = await Promise.all([1, 2, 3].map(() => redis.eval(TAKE, 1, key)));
    expect(results.map(Number).sort()).toEqual([-1, 0, 1]);
    expect(await redis.get(key)).toBe("0");
  });
});

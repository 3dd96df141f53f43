import type { ApiConfig, RateLimitConfig } from "@quickdeal/api";
import { z } from "zod";

// The same variables (and defaults) as the API process, for the router mounted at /api/trpc.
const serverSchema = z.object({
  DATABASE_URL: z.string().min(1).default("mysql://root@127.0.0.1:3306/quickdeal"),
  REDIS_URL: z.string().min(1).default("redis://127.0.0.1:6379"),
  REDIS_PREFIX: z.string().regex(/^[A-Za-z0-9_.-]{1,32}$/).default("qd"),
  KAFKA_BROKERS: z.string().min(1).default("127.0.0.1:9092"),
  KAFKA_JOIN_TOPIC: z.string().min(1).default("quickdeal.joins"),
  KAFKA_JOIN_PARTITIONS: z.coerce.number().int().min(1).max(1024).default(8),
  AUTH_SECRET: z.string().min(32).default("dev-only-secret-change-me-please-0123456789"),
  WEB_ORIGIN: z.string().default("http://localhost:3000"),
  HEARTBEAT_GRACE_SEC: z.coerce.number().int().min(5).max(3600).default(120),
  LOG_LEVEL: z.enum(["fatal", "error", "warn", "info", "debug", "trace", "silent"]).default("info"),
  PAYMENT_SLOW_MS: z.coerce.number().int().min(0).max(60_000).default(2000),
  COOKIE_SECURE: z.enum(["true", "false"]).default("false"),
  TRUST_PROXY: z.enum(["true", "false"]).default("false"),
  DB_POOL_SIZE: z.coerce.number().int().min(1).max(200).default(10),
});

/** The database the image route reads product names from. */
export function databaseUrl(env: NodeJS.ProcessEnv = process.env): string {
  return serverSchema.parse(env).DATABASE_URL;
}

/** The API's config from this process's env; `rateLimits` comes from the API package (loaded at run time). */
export function apiConfig(rateLimits: RateLimitConfig, env: NodeJS.ProcessEnv = process.env): ApiConfig {
  const e = serverSchema.parse(env);
  return {
    databaseUrl: e.DATABASE_URL,
    redisUrl: e.REDIS_URL,
    redisPrefix: e.REDIS_PREFIX,
    kafka: { brokers: e.KAFKA_BROKERS.split(",").map((b) => b.trim()).filter(Boolean), clientId: "quickdeal-web" },
    joinTopic: e.KAFKA_JOIN_TOPIC,
    joinPartitions: e.KAFKA_JOIN_PARTITIONS,
    authSecret: e.AUTH_SECRET,
    allowedOrigins: e.WEB_ORIGIN.split(",").map((o) => o.trim().replace(/\/$/, "")).filter(Boolean),
    heartbeatGraceSec: e.HEARTBEAT_GRACE_SEC,
    logLevel: e.LOG_LEVEL,
    paymentSlowMs: e.PAYMENT_SLOW_MS,
    secureCookies: e.COOKIE_SECURE === "true",
    trustProxy: e.TRUST_PROXY === "true",
    rateLimits,
    productCacheTtlMs: 5_000,
    dbPoolSize: e.DB_POOL_SIZE,
  };
}

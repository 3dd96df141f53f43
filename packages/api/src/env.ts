import { availableParallelism } from "node:os";
import { DEFAULT_PACE_RULE, JOIN_FULL_BATCH, JOIN_LINGER_MS } from "@quickdeal/queue";
import { z } from "zod";
import { type ApiConfig, defaultRateLimits, type RateLimitConfig } from "./config.js";

/** API_INTERRUPT_BUDGET's default: V8's own is 67,584 (decisions.md §27). */
export const INTERRUPT_BUDGET_DEFAULT = 22_000;

// Every variable has a default that works on the dev machine (see .env.example).
const schema = z.object({
  DATABASE_URL: z.url().default("mysql://root@127.0.0.1:3306/quickdeal"),
  REDIS_URL: z.url().default("redis://127.0.0.1:6379"),
  REDIS_PREFIX: z.string().regex(/^[A-Za-z0-9_.-]{1,32}$/).default("qd"),
  KAFKA_BROKERS: z.string().min(1).default("127.0.0.1:9092"),
  KAFKA_JOIN_TOPIC: z.string().min(1).default("quickdeal.joins"),
  KAFKA_JOIN_PARTITIONS: z.coerce.number().int().min(1).max(1024).default(8),
  // How long a produce request of joins waits for more joins to ride along (ms): longer means fewer
  // requests (less broker and kafkajs CPU per join), shorter answers sooner joins that wait on each other.
  KAFKA_JOIN_LINGER_MS: z.coerce.number().int().min(0).max(1000).default(JOIN_LINGER_MS),
  // Once this many joins wait, the request leaves without lingering: lingering pays for small requests
  // (docs/decisions.md §24).
  KAFKA_JOIN_FULL_BATCH: z.coerce.number().int().min(1).max(2000).default(JOIN_FULL_BATCH),
  // How far watchers' "the line moved" intervals stretch while a process is saturated; 1 never
  // stretches them (docs/decisions.md §30).
  WATCH_MAX_STRETCH: z.coerce.number().int().min(1).max(16).default(DEFAULT_PACE_RULE.maxStretch),
  AUTH_SECRET: z.string().min(32, "AUTH_SECRET must be at least 32 characters").default(
    "dev-only-secret-change-me-please-0123456789",
  ),
  API_PORT: z.coerce.number().int().min(0).max(65535).default(4000),
  API_HOST: z.string().default("0.0.0.0"),
  WEB_ORIGIN: z.string().default("http://localhost:3000"),
  API_WORKERS: z.coerce.number().int().min(1).max(64).default(availableParallelism()),
  // V8's young generation per worker (semi-space MiB; 0 keeps V8's default, also 16). 64 paid off
  // while requests outlived their scavenges; since they do not (decisions.md §22) 16 gave the lower
  // join p99 and ~80 MiB less RSS per worker at the same throughput (docs/performance.md).
  API_YOUNG_GEN_MB: z.coerce.number().int().min(0).max(512).default(16),
  // V8's memory reducer shrinks an idle worker's heap and young generation; the first crowd after
  // a quiet spell then pays for growing them back. Off by default: workers keep their warmth
  // between sales (decisions.md §20); "on" gives memory back while idle.
  API_MEMORY_REDUCER: z.enum(["on", "off"]).default("off"),
  // V8's interrupt budget per worker (--interrupt-budget: bytecode a function runs between checks
  // whether to optimise it; 0 keeps V8's 67,584). Lower, functions are optimised sooner, in a
  // warm-up cut short by its time limit and after each deopt under load (decisions.md §27).
  API_INTERRUPT_BUDGET: z.coerce.number().int().min(0).max(10_000_000).default(INTERRUPT_BUDGET_DEFAULT),
  // Who accepts new connections: the workers themselves from the shared socket (whichever is free
  // first), or the cluster primary, handing each to the next worker over IPC (node:cluster's round
  // robin). Handing over cost ~40 % of a new SSE watcher's API CPU (docs/performance.md).
  API_ACCEPT: z.enum(["primary", "workers"]).default("workers"),
  // Shoppers each worker plays against itself before it listens (warmup.ts), so the first sale
  // does not meet unoptimised code; 0 starts at once. 10,000 against 3,000: a lower p99 and API CPU
  // per join when a sale opens, ~6 s more start-up (decisions.md §20), within API_WARMUP_SECONDS.
  API_WARMUP_SHOPPERS: z.coerce.number().int().min(0).max(100_000).default(10_000),
  // Scratch copies of the app they are shared among (warmup.ts): with one, the live app's first
  // requests deoptimised code specialised on the copy's closures (decisions.md §26).
  API_WARMUP_COPIES: z.coerce.number().int().min(1).max(8).default(2),
  // The warm-up's time limit: past it the worker listens, less warm (warmup.ts).
  API_WARMUP_SECONDS: z.coerce.number().int().min(1).max(300).default(20),
  HEARTBEAT_GRACE_SEC: z.coerce.number().int().min(5).max(3600).default(120),
  LOG_LEVEL: z.enum(["fatal", "error", "warn", "info", "debug", "trace", "silent"]).default("info"),
  PAYMENT_SLOW_MS: z.coerce.number().int().min(0).max(60_000).default(2000),
  COOKIE_SECURE: z.enum(["true", "false"]).default("false"),
  TRUST_PROXY: z.enum(["true", "false"]).default("false"),
  // Multiplies every rate limit (load tests from one IP raise it; 0 < x).
  RATE_LIMIT_SCALE: z.coerce.number().positive().default(1),
  DB_POOL_SIZE: z.coerce.number().int().min(1).max(200).default(20),
  // TLS on the API port (PEM files; both or neither): HTTP/2 or HTTP/1.1 by ALPN, no plaintext.
  API_TLS_CERT_FILE: z.string().min(1).optional(),
  API_TLS_KEY_FILE: z.string().min(1).optional(),
}).refine((e) => (e.API_TLS_CERT_FILE === undefined) === (e.API_TLS_KEY_FILE === undefined), {
  message: "API_TLS_CERT_FILE and API_TLS_KEY_FILE go together: set both or neither",
  path: ["API_TLS_KEY_FILE"],
});

export interface ServerEnv {
  config: ApiConfig;
  port: number;
  host: string;
  workers: number;
  /** Extra node flags for each worker process. */
  workerExecArgv: string[];
  /** Who accepts connections (API_ACCEPT). */
  accept: "primary" | "workers";
  /** Shoppers each worker plays against itself before listening (API_WARMUP_SHOPPERS; 0: none). */
  warmupShoppers: number;
  /** Scratch copies of the app the warm-up's shoppers are shared among (API_WARMUP_COPIES). */
  warmupCopies: number;
  /** The warm-up's time limit, shared among the copies (API_WARMUP_SECONDS). */
  warmupDeadlineMs: number;
  /** Paths of the TLS certificate and key (API_TLS_CERT_FILE, API_TLS_KEY_FILE), if TLS is on. */
  tls?: { certFile: string; keyFile: string };
}

function scaled(limits: RateLimitConfig, scale: number): RateLimitConfig {
  const out = { ...limits };
  for (const k of Object.keys(out) as (keyof RateLimitConfig)[]) {
    out[k] = { ...out[k], points: Math.max(1, Math.round(out[k].points * scale)) };
  }
  return out;
}

export function parseEnv(env: NodeJS.ProcessEnv = process.env): ServerEnv {
  const parsed = schema.safeParse(env);
  if (!parsed.success) {
    throw new Error(`Invalid environment:\n${z.prettifyError(parsed.error)}`);
  }
  const e = parsed.data;
  return {
    port: e.API_PORT,
    host: e.API_HOST,
    workers: e.API_WORKERS,
    workerExecArgv: [
      ...(e.API_YOUNG_GEN_MB > 0 ? [`--max-semi-space-size=${e.API_YOUNG_GEN_MB}`] : []),
      ...(e.API_MEMORY_REDUCER === "off" ? ["--no-memory-reducer"] : []),
      ...(e.API_INTERRUPT_BUDGET > 0 ? [`--interrupt-budget=${e.API_INTERRUPT_BUDGET}`] : []),
    ],
    accept: e.API_ACCEPT,
    warmupShoppers: e.API_WARMUP_SHOPPERS,
    warmupCopies: e.API_WARMUP_COPIES,
    warmupDeadlineMs: e.API_WARMUP_SECONDS * 1000,
    tls: e.API_TLS_CERT_FILE && e.API_TLS_KEY_FILE ? { certFile: e.API_TLS_CERT_FILE, keyFile: e.API_TLS_KEY_FILE } : undefined,
    config: {
      databaseUrl: e.DATABASE_URL,
      redisUrl: e.REDIS_URL,
      redisPrefix: e.REDIS_PREFIX,
      kafka: { brokers: e.KAFKA_BROKERS.split(",").map((b) => b.trim()).filter(Boolean), clientId: "quickdeal-api" },
      joinTopic: e.KAFKA_JOIN_TOPIC,
      joinPartitions: e.KAFKA_JOIN_PARTITIONS,
      joinLingerMs: e.KAFKA_JOIN_LINGER_MS,
      joinFullBatch: e.KAFKA_JOIN_FULL_BATCH,
      watchMaxStretch: e.WATCH_MAX_STRETCH,
      authSecret: e.AUTH_SECRET,
      allowedOrigins: e.WEB_ORIGIN.split(",").map((o) => o.trim().replace(/\/$/, "")).filter(Boolean),
      heartbeatGraceSec: e.HEARTBEAT_GRACE_SEC,
      logLevel: e.LOG_LEVEL,
      paymentSlowMs: e.PAYMENT_SLOW_MS,
      secureCookies: e.COOKIE_SECURE === "true",
      trustProxy: e.TRUST_PROXY === "true",
      rateLimits: scaled(defaultRateLimits, e.RATE_LIMIT_SCALE),
      productCacheTtlMs: 5_000,
      dbPoolSize: e.DB_POOL_SIZE,
    },
  };
}

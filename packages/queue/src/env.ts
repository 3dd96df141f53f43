import { z } from "zod";

/** The worker process's configuration, parsed once at its entry. */
export const workerEnvSchema = z.object({
  DATABASE_URL: z.string().default("mysql://root@127.0.0.1:3306/quickdeal"),
  REDIS_URL: z.string().default("redis://127.0.0.1:6379"),
  KAFKA_BROKERS: z.string().default("127.0.0.1:9092"),
  KAFKA_JOIN_TOPIC: z.string().default("quickdeal.joins"),
  KAFKA_JOIN_PARTITIONS: z.coerce.number().int().min(1).max(256).default(8),
  KAFKA_GROUP_ID: z.string().default("quickdeal-admission"),
  REDIS_PREFIX: z.string().regex(/^[a-zA-Z0-9_-]+$/).default("qd"),
  HEARTBEAT_GRACE_SEC: z.coerce.number().int().min(5).default(120),
  PAYING_GRACE_SEC: z.coerce.number().int().min(5).default(120),
  WORKER_METRICS_PORT: z.coerce.number().int().min(0).max(65535).default(4100),
  LOG_LEVEL: z.enum(["fatal", "error", "warn", "info", "debug", "trace", "silent"]).default("info"),
});

export type WorkerEnv = z.infer<typeof workerEnvSchema>;

export function parseWorkerEnv(env: Record<string, string | undefined>): WorkerEnv {
  const parsed = workerEnvSchema.safeParse(env);
  if (!parsed.success) {
    throw new Error(`Invalid worker configuration: ${parsed.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`).join("; ")}`);
  }
  return parsed.data;
}

/** Reads this process's environment (the only place the worker touches process.env). */
export function loadWorkerEnv(): WorkerEnv {
  return parseWorkerEnv(process.env);
}

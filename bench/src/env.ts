import { z } from "zod";

/** Where the services are; the bench refuses anything but loopback addresses. */
const schema = z.object({
  DATABASE_URL: z.string().default("mysql://root@127.0.0.1:3306/quickdeal"),
  REDIS_URL: z.string().default("redis://127.0.0.1:6379"),
  KAFKA_BROKERS: z.string().default("127.0.0.1:9092"),
  /** The bench's own database on the same server (created and migrated by the bench). */
  BENCH_DATABASE: z.string().regex(/^[A-Za-z0-9_]+$/).default("quickdeal_bench"),
});

export interface BenchEnv {
  databaseUrl: string;
  redisUrl: string;
  kafkaBrokers: string[];
  /** PATH for the processes the bench starts (they get nothing else from this environment). */
  path: string;
  /** Where `npm run` was started (for a relative --json path). */
  cwd: string;
}

const LOOPBACK = /^(localhost|127\.\d+\.\d+\.\d+|\[::1\]|::1)$/;

export function loadEnv(env: Record<string, string | undefined> = process.env): BenchEnv {
  const e = schema.parse(env);
  const db = new URL(e.DATABASE_URL);
  db.pathname = `/${e.BENCH_DATABASE}`;
  const redis = new URL(e.REDIS_URL);
  const brokers = e.KAFKA_BROKERS.split(",").map((b) => b.trim()).filter(Boolean);
  const hosts = [db.hostname, redis.hostname, ...brokers.map((b) => b.replace(/:\d+$/, ""))];
  const remote = hosts.filter((h) => !LOOPBACK.test(h));
  if (remote.length) throw new Error(`the bench only runs against loopback services; refusing ${remote.join(", ")}`);
  return { databaseUrl: db.toString(), redisUrl: redis.toString(), kafkaBrokers: brokers, path: env.PATH ?? "", cwd: env.INIT_CWD ?? process.cwd() };
}

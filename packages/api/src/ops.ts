import type { IncomingMessage, ServerResponse } from "node:http";
import { sql } from "drizzle-orm";
import type { Services } from "./services.js";

export interface HealthCheck {
  ok: boolean;
  ms: number;
  error?: string;
}

export interface Health {
  ok: boolean;
  checks: { mysql: HealthCheck; redis: HealthCheck; kafka: HealthCheck };
}

async function timed(fn: () => Promise<boolean>, timeoutMs: number): Promise<HealthCheck> {
  const started = performance.now();
  let timer: NodeJS.Timeout | undefined;
  try {
    const ok = await Promise.race([
      fn(),
      new Promise<boolean>((_, reject) => {
        timer = setTimeout(() => reject(new Error(`no answer within ${timeoutMs} ms`)), timeoutMs);
      }),
    ]);
    return { ok, ms: Math.round(performance.now() - started) };
  } catch (err) {
    return { ok: false, ms: Math.round(performance.now() - started), error: err instanceof Error ? err.message : String(err) };
  } finally {
    clearTimeout(timer);
  }
}

/**
 * Checks MySQL, Redis and Kafka. Answers are reused for a second so a tight probe loop cannot
 * turn into a Kafka admin connection per request.
 */
export function createHealthCheck(s: Services, timeoutMs = 3000) {
  let last: { at: number; value: Promise<Health> } | null = null;
  const run = async (): Promise<Health> => {
    const queueHealth = s.queue.health();
    const [mysql, redis, kafka] = await Promise.all([
      timed(async () => {
        await s.db.execute(sql`SELECT 1`);
        return true;
      }, timeoutMs),
      timed(async () => (await queueHealth).redis, timeoutMs),
      timed(async () => (await queueHealth).kafka, timeoutMs),
    ]);
    return { ok: mysql.ok && redis.ok && kafka.ok, checks: { mysql, redis, kafka } };
  };
  return (): Promise<Health> => {
    const now = Date.now();
    if (!last || now - last.at > 1000) last = { at: now, value: run() };
    return last.value;
  };
}

type NodeRoute = (req: IncomingMessage, res: ServerResponse) => void;

/** GET /healthz: 200 when MySQL, Redis and Kafka answer, 503 otherwise, with per-check detail. */
export function healthRoute(s: Services): NodeRoute {
  const check = createHealthCheck(s);
  return (_req, res) => {
    check().then(
      (h) => {
        const body = JSON.stringify({ status: h.ok ? "ok" : "degraded", ...h });
        res.writeHead(h.ok ? 200 : 503, { "content-type": "application/json", "cache-control": "no-store" });
        res.end(body);
      },
      () => {
        res.writeHead(503, { "content-type": "application/json" });
        res.end('{"status":"error"}');
      },
    );
  };
}

/** GET /metrics: this process's Prometheus registry (API and queue metrics). */
export function metricsRoute(s: Services): NodeRoute {
  return (_req, res) => {
    s.metrics.registry.metrics().then(
      (text) => {
        res.writeHead(200, { "content-type": s.metrics.registry.contentType, "cache-control": "no-store" });
        res.end(text);
      },
      () => {
        res.writeHead(500, { "content-type": "text/plain" });
        res.end("metrics unavailable\n");
      },
    );
  };
}

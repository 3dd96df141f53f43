import { createServer } from "node:http";
import pino from "pino";
import { loadWorkerEnv } from "./env.js";
import { createQueueMetrics } from "./metrics.js";
import { startWorker } from "./worker-runtime.js";

/** Process entry of the admission worker: `node packages/queue/dist/worker.js`. */
const env = loadWorkerEnv();
const logger = pino({ level: env.LOG_LEVEL, base: { svc: "worker" } });
const metrics = createQueueMetrics(undefined, true);

const worker = await startWorker({
  redisUrl: env.REDIS_URL,
  kafkaBrokers: env.KAFKA_BROKERS.split(",").map((b) => b.trim()),
  topic: env.KAFKA_JOIN_TOPIC,
  partitions: env.KAFKA_JOIN_PARTITIONS,
  groupId: env.KAFKA_GROUP_ID,
  prefix: env.REDIS_PREFIX,
  heartbeatGraceSec: env.HEARTBEAT_GRACE_SEC,
  payingGraceMs: env.PAYING_GRACE_SEC * 1000,
  metrics,
  log: (msg, extra) => logger.warn(extra ?? {}, msg),
});
logger.info({ topic: env.KAFKA_JOIN_TOPIC, group: env.KAFKA_GROUP_ID }, "admission worker started");

const server = createServer(async (req, res) => {
  if (req.url === "/metrics") {
    res.setHeader("content-type", metrics.registry.contentType);
    res.end(await metrics.registry.metrics());
  } else if (req.url === "/healthz") {
    res.setHeader("content-type", "application/json");
    res.end(JSON.stringify({ ok: true, admitted: worker.admission.admittedCount, expired: worker.sweeper.expired }));
  } else {
    res.statusCode = 404;
    res.end();
  }
});
if (env.WORKER_METRICS_PORT > 0) server.listen(env.WORKER_METRICS_PORT, "127.0.0.1");

let stopping = false;
for (const signal of ["SIGINT", "SIGTERM"] as const) {
  process.on(signal, () => {
    if (stopping) return;
    stopping = true;
    logger.info("stopping admission worker");
    server.close();
    void worker.stop().finally(() => process.exit(0));
  });
}

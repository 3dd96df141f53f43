import { Redis } from "ioredis";
import { AdmissionWorker } from "./admission.js";
import { createKafka, ensureTopic } from "./kafka.js";
import { type QueueMetrics, createQueueMetrics } from "./metrics.js";
import { SnapshotPublisher } from "./snapshots.js";
import { RoomStore } from "./store.js";
import { Sweeper } from "./sweeper.js";

export interface WorkerConfig {
  redisUrl: string;
  kafkaBrokers: string[];
  topic: string;
  partitions: number;
  groupId: string;
  prefix: string;
  heartbeatGraceSec: number;
  payingGraceMs: number;
  metrics?: QueueMetrics;
  log?: (msg: string, extra?: Record<string, unknown>) => void;
  clientId?: string;
}

/** How long admissions are gathered before the room's snapshot is published. */
const ADMIT_PUBLISH_MS = 25;

/** Everything a worker process runs: admission consumer, sweeper, snapshot publisher. Tests run it in-process. */
export async function startWorker(cfg: WorkerConfig) {
  const metrics = cfg.metrics ?? createQueueMetrics();
  const redis = new Redis(cfg.redisUrl, { enableAutoPipelining: true });
  const subscriber = redis.duplicate();
  const store = new RoomStore(redis, cfg.prefix);
  const kafka = createKafka(cfg.kafkaBrokers, cfg.clientId ?? "quickdeal-worker");
  await ensureTopic(kafka, cfg.topic, cfg.partitions);

  const soldOut = new Set<number>();
  const publisher = new SnapshotPublisher(store, (snap) => {
    const product = String(snap.productId);
    metrics.queueDepth.set({ product }, Math.max(0, snap.seq - snap.serving));
    metrics.admittedNow.set({ product }, snap.admitted);
    if (snap.soldOut && !soldOut.has(snap.productId)) {
      soldOut.add(snap.productId);
      metrics.soldOuts.inc({ product });
    } else if (!snap.soldOut) soldOut.delete(snap.productId);
  });
  const publishSoon = new Set<number>();
  const sweeper = new Sweeper(store, { payingGraceMs: cfg.payingGraceMs, metrics });
  const admission = new AdmissionWorker({
    kafka,
    topic: cfg.topic,
    groupId: cfg.groupId,
    store,
    subscriber,
    heartbeatGraceSec: cfg.heartbeatGraceSec,
    metrics,
    // Admissions change what waiting shoppers see: publish soon rather than at the next tick, but
    // once per burst: a full room admits one shopper per freed slot, hundreds a second.
    onAdmit: (productId) => {
      if (publishSoon.has(productId)) return;
      publishSoon.add(productId);
      setTimeout(() => {
        publishSoon.delete(productId);
        void publisher.publishRoom(productId).catch(() => undefined);
      }, ADMIT_PUBLISH_MS).unref();
    },
    ...(cfg.log ? { log: cfg.log } : {}),
  });
  const joined = admission.onceJoined();
  await admission.start();
  sweeper.start();
  publisher.start();

  return {
    store,
    admission,
    sweeper,
    publisher,
    metrics,
    joined,
    async stop() {
      publisher.stop();
      sweeper.stop();
      await admission.stop();
      subscriber.disconnect();
      redis.disconnect();
    },
  };
}

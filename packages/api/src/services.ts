import { createDb, type Database, type DbHandle } from "@quickdeal/db";
import { createKafka, createQueue, createQueueMetrics, ensureTopic, type Queue } from "@quickdeal/queue";
import type { Redis } from "ioredis";
import { type Logger, pino } from "pino";
import { Registry } from "prom-client";
import { RoomSeries } from "./admin/rooms.js";
import { createSessionSigner, type SessionSigner } from "./auth/session.js";
import { ProductCache } from "./catalog/product-cache.js";
import type { ApiConfig } from "./config.js";
import { type ApiMetrics, createApiMetrics } from "./metrics.js";
import { FakeGateway, type PaymentGateway } from "./payment/gateway.js";
import { OrderWriter } from "./payment/order-writer.js";
import { createRateLimiters, type RateLimiters } from "./rate-limit.js";

/** Everything procedures use, built once per process and handed to the context factory. */
export interface Services {
  config: ApiConfig;
  db: Database;
  dbHandle: DbHandle;
  queue: Queue;
  /** The queue's command connection (auto-pipelined), shared for rate limits and notices. */
  redis: Redis;
  gateway: PaymentGateway;
  limits: RateLimiters;
  log: Logger;
  metrics: { registry: Registry; api: ApiMetrics };
  products: ProductCache;
  /** Group-commits the checkouts of this process (one stock transaction per product at a time). */
  orders: OrderWriter;
  sessions: SessionSigner;
  /** Recent room figures for the operator charts. */
  series: RoomSeries;
  /** Drop cached product rows here and in every other API process. */
  catalogChanged(): Promise<void>;
  /** Subscribes to room snapshots and catalog notices; call before serving. */
  start(): Promise<void>;
  close(): Promise<void>;
}

export interface ServiceOverrides {
  gateway?: PaymentGateway;
  log?: Logger;
  /** Node's process metrics (event loop, GC, memory) in the registry; off for a second copy in one process. */
  processMetrics?: boolean;
  /** Retention of the join topic when this process creates it (ms; Kafka's default otherwise). */
  topicRetentionMs?: number;
}

export function createServices(config: ApiConfig, overrides: ServiceOverrides = {}): Services {
  const log =
    overrides.log ??
    pino({
      level: config.logLevel,
      base: { svc: "api", pid: process.pid },
      redact: ["card.number", "card.cvc", "*.card.number", "*.card.cvc", "token", "*.token"],
    });
  const registry = new Registry();
  const api = createApiMetrics(registry);
  const dbHandle = createDb(config.databaseUrl, { connectionLimit: config.dbPoolSize });
  const queue = createQueue({
    redisUrl: config.redisUrl,
    kafkaBrokers: config.kafka.brokers,
    clientId: config.kafka.clientId,
    topic: config.joinTopic,
    joinLingerMs: config.joinLingerMs,
    joinFullBatch: config.joinFullBatch,
    watchMaxStretch: config.watchMaxStretch,
    secret: config.authSecret,
    db: dbHandle.db,
    prefix: config.redisPrefix,
    heartbeatGraceSec: config.heartbeatGraceSec,
    metrics: createQueueMetrics(registry, overrides.processMetrics ?? true),
  });
  const redis = queue.redis;
  const products = new ProductCache(dbHandle.db, config.productCacheTtlMs);
  const catalogChannel = `${config.redisPrefix}:catalog`;
  let subscriber: Redis | null = null;
  const series = new RoomSeries(queue.rooms);

  return {
    config,
    db: dbHandle.db,
    dbHandle,
    queue,
    redis,
    gateway: overrides.gateway ?? new FakeGateway({ slowMs: config.paymentSlowMs }),
    limits: createRateLimiters(redis, config.redisPrefix, config.rateLimits, log),
    log,
    metrics: { registry, api },
    products,
    orders: new OrderWriter(dbHandle.pool),
    sessions: createSessionSigner(config.authSecret),
    series,

    async catalogChanged() {
      products.invalidate();
      await redis.publish(catalogChannel, String(process.pid)).catch((err: unknown) => {
        log.warn({ err }, "could not announce a catalog change; other processes catch up by TTL");
      });
    },

    async start() {
      await queue.start();
      // Joins need the topic; the worker creates it too, but the API may come up first.
      const retention = overrides.topicRetentionMs;
      const topicConfig = retention === undefined ? undefined : { "retention.ms": String(retention) };
      await ensureTopic(createKafka(config.kafka.brokers, `${config.kafka.clientId}-admin`), config.joinTopic, config.joinPartitions, topicConfig).catch(
        (err: unknown) => log.warn({ err }, "could not check the join topic; joins fail until Kafka answers"),
      );
      subscriber = redis.duplicate();
      subscriber.on("message", () => products.invalidate());
      subscriber.on("error", (err: unknown) => log.warn({ err }, "catalog subscription error"));
      await subscriber.subscribe(catalogChannel);
      series.start();
    },

    async close() {
      series.stop();
      subscriber?.disconnect();
      await queue.close();
      await dbHandle.close();
    },
  };
}

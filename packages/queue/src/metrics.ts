import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from "prom-client";

/** Prometheus metrics of the waiting room; the API and the worker expose them on /metrics. */
export function createQueueMetrics(registry = new Registry(), withDefaults = false) {
  if (withDefaults) collectDefaultMetrics({ register: registry });
  const productLabel = ["product"] as const;
  return {
    registry,
    joins: new Counter({ name: "qd_joins_total", help: "Tickets handed out (new joins)", labelNames: productLabel, registers: [registry] }),
    joinFailures: new Counter({ name: "qd_join_failures_total", help: "Joins refused or failed", labelNames: ["reason"], registers: [registry] }),
    admissions: new Counter({ name: "qd_admissions_total", help: "Tickets admitted to checkout", labelNames: productLabel, registers: [registry] }),
    expirations: new Counter({ name: "qd_expirations_total", help: "Admitted tickets that expired unpaid", labelNames: productLabel, registers: [registry] }),
    soldOuts: new Counter({ name: "qd_soldouts_total", help: "Rooms that sold out", labelNames: productLabel, registers: [registry] }),
    queueDepth: new Gauge({ name: "qd_queue_depth", help: "Tickets waiting (last seq - serving)", labelNames: productLabel, registers: [registry] }),
    admittedNow: new Gauge({ name: "qd_admitted", help: "Tickets holding a unit now", labelNames: productLabel, registers: [registry] }),
    admissionLag: new Histogram({
      name: "qd_admission_lag_seconds",
      help: "Time from join to the admission decision",
      buckets: [0.005, 0.01, 0.05, 0.1, 0.5, 1, 5, 30, 120, 600],
      registers: [registry],
    }),
    produceBatch: new Histogram({
      name: "qd_kafka_produce_batch_size",
      help: "Joins per Kafka produce request",
      buckets: [1, 5, 20, 50, 100, 250, 500, 1000, 2000],
      registers: [registry],
    }),
    // A join is answered once Kafka has it: these split that wait into the produce request's round
    // trip and the whole wait (lingering and the request in flight before it included).
    produceSeconds: new Histogram({
      name: "qd_kafka_produce_seconds",
      help: "Round trip of one Kafka produce request of joins (send to acknowledgement)",
      buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 5],
      registers: [registry],
    }),
    joinLogLinger: new Histogram({
      name: "qd_join_log_linger_seconds",
      help: "How long each Kafka produce request of joins lingered for more joins before it left",
      buckets: [0.0005, 0.001, 0.0015, 0.002, 0.0025, 0.003, 0.005, 0.01],
      registers: [registry],
    }),
    joinLogWait: new Histogram({
      name: "qd_join_log_wait_seconds",
      help: "A join's wait for the join log, from handing it over to Kafka's acknowledgement",
      buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 5],
      registers: [registry],
    }),
    watchers: new Gauge({ name: "qd_watchers", help: "Open watch subscriptions in this process", registers: [registry] }),
    watchStretch: new Gauge({
      name: "qd_watch_interval_stretch",
      help: "Factor on watchers' 'line moved' intervals now (1: as configured; more while this process is saturated)",
      registers: [registry],
    }),
    watchStretchSeconds: new Counter({
      name: "qd_watch_interval_stretch_seconds_total",
      help: "Seconds this process spent at each factor on watchers' 'line moved' intervals",
      labelNames: ["factor"],
      registers: [registry],
    }),
  };
}

export type QueueMetrics = ReturnType<typeof createQueueMetrics>;

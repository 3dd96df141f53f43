import { Counter, Histogram, type Registry } from "prom-client";

/** API-side Prometheus metrics; the queue registers its own in the same registry. */
export function createApiMetrics(registry: Registry) {
  return {
    calls: new Counter({
      name: "qd_api_calls_total",
      help: "tRPC procedure calls by path and result code",
      labelNames: ["path", "code"] as const,
      registers: [registry],
    }),
    duration: new Histogram({
      name: "qd_api_call_seconds",
      help: "tRPC procedure duration (subscriptions: until the stream starts)",
      labelNames: ["path"] as const,
      buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
      registers: [registry],
    }),
    checkouts: new Counter({
      name: "qd_checkouts_total",
      help: "Checkout outcomes",
      labelNames: ["outcome"] as const,
      registers: [registry],
    }),
    checkoutSeconds: new Histogram({
      name: "qd_checkout_seconds",
      help: "Checkout duration, payment included",
      buckets: [0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
      registers: [registry],
    }),
    rateLimited: new Counter({
      name: "qd_rate_limited_total",
      help: "Requests refused by a rate limit",
      labelNames: ["path"] as const,
      registers: [registry],
    }),
  };
}

export type ApiMetrics = ReturnType<typeof createApiMetrics>;

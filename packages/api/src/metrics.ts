import { Counter, Histogram, type Registry } from "prom-client";

/** API-side Prometheus metrics; the queue registers its own in the same registry. */
export function createApiMetrics(registry: Registry) {
  const calls = new Counter({
    name: "qd_api_calls_total",
    help: "tRPC procedure calls by path and result code",
    labelNames: ["path", "code"] as const,
    registers: [registry],
  });
  const duration = new Histogram({
    name: "qd_api_call_seconds",
    help: "tRPC procedure duration (subscriptions: until the stream starts)",
    labelNames: ["path"] as const,
    buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
    registers: [registry],
  });
  const rateLimited = new Counter({
    name: "qd_rate_limited_total",
    help: "Requests refused by a rate limit",
    labelNames: ["path"] as const,
    registers: [registry],
  });
  // Label children cached per path and code: passing a label object on every call makes
  // prom-client validate and hash it per request.
  const children = new Map<
    string,
    { calls: Map<string, { inc(): void }>; duration: { observe(v: number): void }; rateLimited: { inc(): void } }
  >();
  const childrenOf = (path: string) => {
    let c = children.get(path);
    if (!c) {
      c = { calls: new Map(), duration: duration.labels(path), rateLimited: rateLimited.labels(path) };
      children.set(path, c);
    }
    return c;
  };
  return {
    calls,
    duration,
    rateLimited,
    /** One procedure call: its duration, its result code, and whether a rate limit refused it. */
    observeCall(path: string, code: string, seconds: number): void {
      const c = childrenOf(path);
      c.duration.observe(seconds);
      let counter = c.calls.get(code);
      if (!counter) {
        counter = calls.labels(path, code);
        c.calls.set(code, counter);
      }
      counter.inc();
      if (code === "TOO_MANY_REQUESTS") c.rateLimited.inc();
    },
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
  };
}

export type ApiMetrics = ReturnType<typeof createApiMetrics>;

import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { DEFAULTS, ROOT } from "../scripts/lib/env.mjs";

const infra = join(ROOT, "infra");
const read = (p: string) => readFileSync(join(infra, p), "utf8");

interface Panel {
  type: string;
  title: string;
  targets?: { expr: string }[];
}

describe("observability config", () => {
  it("the Grafana dashboard charts every metric the app exports", () => {
    const dash = JSON.parse(read("grafana/dashboards/quickdeal.json")) as { uid: string; panels: Panel[] };
    const exprs = dash.panels.flatMap((p) => p.targets ?? []).map((t) => t.expr);
    for (const metric of [
      "qd_joins_total",
      "qd_admissions_total",
      "qd_expirations_total",
      "qd_soldouts_total",
      "qd_queue_depth",
      "qd_admission_lag_seconds_bucket",
      "qd_join_log_wait_seconds_bucket",
      "qd_kafka_produce_seconds_bucket",
      "qd_join_log_linger_seconds_sum",
      "qd_checkouts_total",
      "qd_http_request_duration_seconds_bucket",
      "qd_watchers",
      "qd_watch_interval_stretch",
    ]) {
      expect(exprs.some((e) => e.includes(metric)), metric).toBe(true);
    }
    // Panel ids must be unique or Grafana drops panels silently.
    const ids = dash.panels.map((p) => (p as unknown as { id: number }).id);
    expect(new Set(ids).size).toBe(ids.length);
  });

  it("Prometheus scrapes the API and the worker", () => {
    const prom = read("prometheus/prometheus.yml");
    expect(prom).toMatch(/targets: \["host\.docker\.internal:4000"\]/);
    expect(prom).toMatch(/targets: \["host\.docker\.internal:4100"\]/);
  });

  it("docker-compose publishes the ports the default env points at", () => {
    const compose = read("docker-compose.yml");
    const ports = [
      new URL(DEFAULTS.DATABASE_URL ?? "").port,
      new URL(DEFAULTS.REDIS_URL ?? "").port,
      (DEFAULTS.KAFKA_BROKERS ?? "").split(":")[1],
    ];
    for (const port of ports) expect(compose).toContain(`"127.0.0.1:${port}:${port}"`);
    expect(compose).toContain("image: mysql:8.4");
    expect(compose).toContain("image: redis:7.4");
    expect(compose).toMatch(/image: apache\/kafka:3\.9/);
  });
});

import { Histogram } from "../stats/histogram.js";
import { Series } from "../stats/series.js";
import type { EndpointStats, PhaseResult } from "./protocol.js";

/** What one phase of one load generator measured: per-endpoint latency and outcomes, per-second counts. */
export class Recorder {
  readonly startedAt = Date.now();
  readonly series = new Series();
  readonly extra: Record<string, number> = {};
  readonly histograms = new Map<string, Histogram>();
  private endpoints = new Map<string, { latency: Histogram; ok: number; errors: Record<string, number> }>();

  private endpoint(name: string) {
    let e = this.endpoints.get(name);
    if (!e) {
      e = { latency: new Histogram(), ok: 0, errors: {} };
      this.endpoints.set(name, e);
    }
    return e;
  }

  ok(name: string, latencyMs: number, at = Date.now()): void {
    const e = this.endpoint(name);
    e.ok++;
    e.latency.record(latencyMs);
    this.series.inc(name, at);
  }

  error(name: string, code: string, latencyMs: number, at = Date.now()): void {
    const e = this.endpoint(name);
    e.errors[code] = (e.errors[code] ?? 0) + 1;
    e.latency.record(latencyMs);
    this.series.inc(`${name}:error`, at);
  }

  histogram(name: string): Histogram {
    let h = this.histograms.get(name);
    if (!h) {
      h = new Histogram();
      this.histograms.set(name, h);
    }
    return h;
  }

  add(name: string, n = 1): void {
    this.extra[name] = (this.extra[name] ?? 0) + n;
  }

  max(name: string, value: number): void {
    this.extra[name] = Math.max(this.extra[name] ?? 0, value);
  }

  result(phase: PhaseResult["phase"]): PhaseResult {
    const endpoints: Record<string, EndpointStats> = {};
    for (const [k, v] of this.endpoints) endpoints[k] = { latency: v.latency.toJSON(), ok: v.ok, errors: v.errors };
    const histograms: PhaseResult["histograms"] = {};
    for (const [k, v] of this.histograms) histograms[k] = v.toJSON();
    return { phase, startedAt: this.startedAt, endedAt: Date.now(), endpoints, series: this.series.toJSON(), extra: this.extra, histograms };
  }
}

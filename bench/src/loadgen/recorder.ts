import { type IntervalHistogram, monitorEventLoopDelay } from "node:perf_hooks";
import { Histogram } from "../stats/histogram.js";
import { Series } from "../stats/series.js";
import { type EndpointStats, FINE_MS, type PhaseResult } from "./protocol.js";

/** The loop-delay sampler's timer (ms); node reports each interval's whole length, this included. */
const LOOP_SAMPLE_MS = 10;
const lateMs = (ns: number) => Math.max(0, Math.round(ns / 1e5) / 10 - LOOP_SAMPLE_MS);

/**
 * What one phase of one load generator measured: per-endpoint latency and outcomes, per-second
 * counts, and the generator's own event-loop delay. A generator stamps a response or an SSE event
 * when its loop gets to it, so its loop delay is part of every latency it reports: p99s that grow
 * with it say as much about the generator as about the servers.
 */
export class Recorder {
  readonly startedAt = Date.now();
  private readonly loopDelay: IntervalHistogram = monitorEventLoopDelay({ resolution: LOOP_SAMPLE_MS });
  readonly series = new Series();
  /** Successful calls per FINE_MS, for best rates over phases shorter than a few seconds. */
  readonly fine = new Series(FINE_MS);
  readonly extra: Record<string, number> = {};
  readonly histograms = new Map<string, Histogram>();
  private endpoints = new Map<string, { latency: Histogram; ok: number; errors: Record<string, number> }>();

  constructor() {
    this.loopDelay.enable();
  }

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
    this.fine.inc(name, at);
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

  /** The phase's figures; `goesOn`: the recorder keeps measuring a next phase (the loop delay afresh). */
  result(phase: PhaseResult["phase"], goesOn = false): PhaseResult {
    if (!goesOn) this.loopDelay.disable();
    if (this.loopDelay.count > 0) {
      // Keys ending in Ms merge across generators by their maximum (merge.ts).
      this.extra.generatorLoopDelayP99Ms = Math.round(lateMs(this.loopDelay.percentile(99)) * 10) / 10;
      this.extra.generatorLoopDelayMaxMs = Math.round(lateMs(this.loopDelay.max) * 10) / 10;
    }
    if (goesOn) this.loopDelay.reset();
    const endpoints: Record<string, EndpointStats> = {};
    for (const [k, v] of this.endpoints) endpoints[k] = { latency: v.latency.toJSON(), ok: v.ok, errors: v.errors };
    const histograms: PhaseResult["histograms"] = {};
    for (const [k, v] of this.histograms) histograms[k] = v.toJSON();
    return { phase, startedAt: this.startedAt, endedAt: Date.now(), endpoints, series: this.series.toJSON(), fine: this.fine.toJSON(), extra: this.extra, histograms };
  }
}

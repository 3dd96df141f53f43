import { FINE_MS, type PhaseResult } from "../loadgen/protocol.js";
import { Histogram, type LatencySummary } from "../stats/histogram.js";
import { Series } from "../stats/series.js";

/** One phase as all load generators together saw it. */
export interface MergedPhase {
  phase: string;
  startedAt: number;
  endedAt: number;
  endpoints: Record<string, { latency: Histogram; ok: number; errors: Record<string, number> }>;
  series: Series;
  /** Successful calls per FINE_MS. */
  fine: Series;
  extra: Record<string, number>;
  histograms: Record<string, Histogram>;
}

export function mergePhase(results: PhaseResult[]): MergedPhase {
  const endpoints: MergedPhase["endpoints"] = {};
  const histograms: MergedPhase["histograms"] = {};
  const extra: Record<string, number> = {};
  const series = new Series();
  const fine = new Series(FINE_MS);
  for (const r of results) {
    for (const [name, e] of Object.entries(r.endpoints)) {
      const m = endpoints[name] ?? { latency: new Histogram(), ok: 0, errors: {} };
      endpoints[name] = m;
      m.latency.merge(e.latency);
      m.ok += e.ok;
      for (const [code, n] of Object.entries(e.errors)) m.errors[code] = (m.errors[code] ?? 0) + n;
    }
    for (const [name, h] of Object.entries(r.histograms)) histograms[name] = (histograms[name] ?? new Histogram()).merge(h);
    // Durations are concurrent across generators (take the longest); counts add up.
    for (const [k, v] of Object.entries(r.extra)) extra[k] = k.endsWith("Ms") ? Math.max(extra[k] ?? 0, v) : (extra[k] ?? 0) + v;
    series.merge(r.series);
    fine.merge(r.fine);
  }
  return {
    phase: results[0]?.phase ?? "?",
    startedAt: Math.min(...results.map((r) => r.startedAt)),
    endedAt: Math.max(...results.map((r) => r.endedAt)),
    endpoints,
    series,
    fine,
    extra,
    histograms,
  };
}

export interface EndpointFigures extends LatencySummary {
  ok: number;
  errors: Record<string, number>;
  perSec: number;
}

/** Successful calls per second over the phase's wall time, with latency and errors. */
export function endpointFigures(p: MergedPhase, name: string): EndpointFigures | null {
  const e = p.endpoints[name];
  if (!e) return null;
  const seconds = Math.max(0.001, (p.endedAt - p.startedAt) / 1000);
  return { ...e.latency.summary(), ok: e.ok, errors: e.errors, perSec: Math.round(e.ok / seconds) };
}

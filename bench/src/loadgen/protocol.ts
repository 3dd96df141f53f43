/** Messages between the orchestrator and its load-generator processes (node IPC, JSON). */
import type { HistogramJson } from "../stats/histogram.js";
import type { SeriesJson } from "../stats/series.js";

export interface LoadgenConfig {
  index: number;
  /** Base URL of the API (loopback). */
  apiOrigin: string;
  redisUrl: string;
  /** Redis key prefix of the run (for the room snapshot channel). */
  redisPrefix: string;
  productId: number;
  /** This generator's shoppers. */
  shoppers: number;
  /** Keep-alive connections of this generator for request phases. */
  connections: number;
}

export type PhaseRequest =
  | { phase: "baseline"; origin: string; durationSec: number }
  | { phase: "signin" }
  /** binMs: latency is also kept per that many ms of the phase (by when each join was due). */
  | { phase: "join-paced"; ratePerSec: number; durationSec: number; binMs: number }
  | { phase: "join-burst" }
  | { phase: "status"; durationSec: number }
  /** Opens SSE watchers for shoppers with seq ≤ watchUpTo and polls for seq ≤ pollUpTo; replies once all watchers got their first event. */
  | { phase: "sale-open"; watchUpTo: number; pollUpTo: number; thinkMs: number; pollMs: number; pollMaxMs: number; openConcurrency: number; sseH2: number }
  /** Ends the sale: closes watchers and pollers, returns what happened. */
  | { phase: "sale-close" };

export type ToLoadgen = { type: "init"; config: LoadgenConfig } | ({ type: "run"; id: number } & PhaseRequest) | { type: "exit" };

export interface EndpointStats {
  latency: HistogramJson;
  ok: number;
  /** Failures by tRPC code or network error name. */
  errors: Record<string, number>;
}

/** Buckets of PhaseResult.fine (ms): a closed loop of joins may last well under a second. */
export const FINE_MS = 100;

export interface PhaseResult {
  phase: PhaseRequest["phase"];
  startedAt: number;
  endedAt: number;
  endpoints: Record<string, EndpointStats>;
  series: SeriesJson;
  /** Successful calls per 100 ms (FINE_MS), by endpoint. */
  fine: SeriesJson;
  /** Phase-specific numbers. */
  extra: Record<string, number>;
  /** Phase-specific histograms (SSE update delay, …). */
  histograms: Record<string, HistogramJson>;
}

export type FromLoadgen =
  | { type: "ready" }
  | { type: "done"; id: number; result: PhaseResult }
  | { type: "failed"; id: number; error: string };

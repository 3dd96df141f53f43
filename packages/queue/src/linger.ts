import { type EventLoopUtilization, performance } from "node:perf_hooks";

/**
 * How long the join log lingers before a produce request, chosen by how busy this process is.
 *
 * Lingering gathers more joins per request, which spares the broker's and kafkajs' CPU per join;
 * it costs every join the linger in latency. When CPU is short (a busy event loop) the saving is
 * worth it; when it is not, the latency is all there is: a closed loop of clients waiting on each
 * other then runs slower for nothing. Measured (docs/performance.md, round of 2026-11-27 16:44;
 * decisions.md §24): a fixed 3 ms left a closed loop of 100 connections at 0.084–0.132 of the
 * baseline with the machine 68–75 % busy; this chooser, settling at 1.2–1.5 ms there, 0.126–0.163
 * at 84–88 %, for about a sixth more API CPU per join at 5,000 joins/s.
 */

/** Event-loop utilisation at or under which the linger is its shortest. */
export const LINGER_IDLE_ELU = 0.75;
/** Event-loop utilisation at or over which the linger is its longest. */
export const LINGER_BUSY_ELU = 0.95;
/** How often the utilisation is re-read (ms): often enough to follow a sale opening. */
export const LINGER_SAMPLE_MS = 100;

/** The linger for a process this busy (0–1): `minMs` when idle enough, `maxMs` when busy, linear between. */
export function lingerForUtilization(elu: number, minMs: number, maxMs: number): number {
  if (!(maxMs > minMs)) return maxMs;
  if (!(elu > LINGER_IDLE_ELU)) return minMs;
  if (elu >= LINGER_BUSY_ELU) return maxMs;
  return minMs + ((maxMs - minMs) * (elu - LINGER_IDLE_ELU)) / (LINGER_BUSY_ELU - LINGER_IDLE_ELU);
}

export interface AdaptiveLingerOptions {
  /** Re-read the utilisation at most this often (ms; default LINGER_SAMPLE_MS). */
  sampleMs?: number;
  /** The process's event-loop utilisation since the previous call (default: node's, from perf_hooks). */
  utilization?: () => number;
  /** ms clock (default performance.now). */
  now?: () => number;
}

/**
 * A linger chooser for JoinLog: `minMs`–`maxMs` by the event-loop utilisation of the last
 * `sampleMs` or more. With `minMs >= maxMs` it is a fixed `maxMs` and reads nothing.
 */
export function adaptiveLinger(minMs: number, maxMs: number, opts: AdaptiveLingerOptions = {}): () => number {
  if (!(maxMs > minMs)) return () => maxMs;
  const sampleMs = opts.sampleMs ?? LINGER_SAMPLE_MS;
  const utilization = opts.utilization ?? eventLoopUtilization();
  const now = opts.now ?? (() => performance.now());
  let sampledAt = now();
  // Until a first sample: as busy as a sale opening may be, so its first joins batch well.
  let current = maxMs;
  return () => {
    const t = now();
    if (t - sampledAt >= sampleMs) {
      current = lingerForUtilization(utilization(), minMs, maxMs);
      sampledAt = t;
    }
    return current;
  };
}

/** This process's event-loop utilisation between calls. */
function eventLoopUtilization(): () => number {
  let last: EventLoopUtilization = performance.eventLoopUtilization();
  return () => {
    const next = performance.eventLoopUtilization();
    const { utilization } = performance.eventLoopUtilization(next, last);
    last = next;
    return utilization;
  };
}

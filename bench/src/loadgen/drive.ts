import { setTimeout as sleep } from "node:timers/promises";

/**
 * Closed loop: `concurrency` virtual users, each doing one call after another until `next`
 * has no more work or the deadline passed.
 */
export async function closedLoop(concurrency: number, next: () => (() => Promise<void>) | null, deadline = Number.POSITIVE_INFINITY): Promise<void> {
  const user = async () => {
    while (Date.now() < deadline) {
      const job = next();
      if (!job) return;
      await job();
    }
  };
  await Promise.all(Array.from({ length: concurrency }, user));
}

/**
 * Open loop at a fixed rate: call k is due at start + k/rate whatever happened to earlier calls,
 * and its latency is counted from that instant (no coordinated omission: a stalled server shows up
 * as latency, not as a lower request rate).
 */
export async function openLoop(ratePerSec: number, total: number, job: (k: number, dueAt: number) => Promise<void>): Promise<void> {
  const start = performance.now();
  const inFlight = new Set<Promise<void>>();
  let issued = 0;
  while (issued < total) {
    const due = Math.min(total, Math.floor(((performance.now() - start) * ratePerSec) / 1000) + 1);
    for (; issued < due; issued++) {
      const p = job(issued, start + (issued * 1000) / ratePerSec).finally(() => inFlight.delete(p));
      inFlight.add(p);
    }
    await sleep(2);
  }
  await Promise.all(inFlight);
}

/** Runs jobs with at most `limit` at a time. */
export async function withLimit<T>(items: T[], limit: number, fn: (item: T) => Promise<void>): Promise<void> {
  let i = 0;
  await Promise.all(
    Array.from({ length: Math.min(limit, items.length) }, async () => {
      while (i < items.length) {
        const item = items[i++] as T;
        await fn(item);
      }
    }),
  );
}

export function jitter(ms: number): number {
  return ms * (0.5 + Math.random());
}

/**
 * Counts per wall-clock second (epoch seconds, so series from several processes line up) and
 * per name, e.g. `join`, `status`, `checkout`. Feeds the throughput figures and the chart.
 * A finer `resolutionMs` counts per tenth of a second etc. instead (rows keyed by epoch bucket).
 */
export type SeriesJson = [number, Record<string, number>][];

export class Series {
  private byBucket = new Map<number, Record<string, number>>();

  constructor(readonly resolutionMs = 1000) {}

  inc(name: string, atMs = Date.now(), n = 1): void {
    const s = Math.floor(atMs / this.resolutionMs);
    let row = this.byBucket.get(s);
    if (!row) {
      row = {};
      this.byBucket.set(s, row);
    }
    row[name] = (row[name] ?? 0) + n;
  }

  /** Sets a gauge-like value for the second (the last write wins). */
  set(name: string, atMs: number, value: number): void {
    const s = Math.floor(atMs / this.resolutionMs);
    const row = this.byBucket.get(s) ?? {};
    row[name] = value;
    this.byBucket.set(s, row);
  }

  merge(other: Series | SeriesJson): this {
    const rows = other instanceof Series ? other.toJSON() : other;
    for (const [s, counts] of rows) {
      const row = this.byBucket.get(s) ?? {};
      for (const [k, v] of Object.entries(counts)) row[k] = (row[k] ?? 0) + v;
      this.byBucket.set(s, row);
    }
    return this;
  }

  toJSON(): SeriesJson {
    return [...this.byBucket.entries()].sort((a, b) => a[0] - b[0]);
  }

  static from(json: SeriesJson, resolutionMs = 1000): Series {
    return new Series(resolutionMs).merge(json);
  }

  /** Values of one name per bucket (second) between two instants (inclusive buckets, missing = 0). */
  values(name: string, fromMs: number, toMs: number): { second: number; value: number }[] {
    const out: { second: number; value: number }[] = [];
    for (let s = Math.floor(fromMs / this.resolutionMs); s <= Math.floor(toMs / this.resolutionMs); s++) {
      out.push({ second: s, value: this.byBucket.get(s)?.[name] ?? 0 });
    }
    return out;
  }

  names(): string[] {
    const set = new Set<string>();
    for (const row of this.byBucket.values()) for (const k of Object.keys(row)) set.add(k);
    return [...set];
  }

  /**
   * Highest count in one whole second of a window. The first and last second of a phase are
   * partial, so they are left out when there are at least three.
   */
  peak(name: string, fromMs: number, toMs: number): number {
    const v = this.values(name, fromMs, toMs).map((x) => x.value);
    const inner = v.length >= 3 ? v.slice(1, -1) : v;
    return inner.length ? Math.max(...inner) : 0;
  }

  /**
   * Best rate per second over `windowMs` of consecutive whole buckets inside a window (the partial
   * first and last bucket left out), sliding one bucket at a time. Where fewer whole buckets fit
   * (a closed loop shorter than a second), the window shrinks to them, and `windowMs` says so:
   * whole seconds alone would give a phase of 0.6 s a "best second" below its own mean.
   */
  bestRate(name: string, fromMs: number, toMs: number, windowMs = 1000): { perSec: number; windowMs: number } {
    const r = this.resolutionMs;
    const first = Math.floor(fromMs / r) + 1;
    const last = Math.floor(toMs / r) - 1;
    if (last < first) return { perSec: 0, windowMs: 0 };
    const w = Math.min(last - first + 1, Math.max(1, Math.round(windowMs / r)));
    const at = (b: number) => this.byBucket.get(b)?.[name] ?? 0;
    let sum = 0;
    let best = 0;
    for (let b = first; b <= last; b++) {
      sum += at(b);
      if (b - first >= w) sum -= at(b - w);
      if (b - first >= w - 1) best = Math.max(best, sum);
    }
    return { perSec: Math.round((best * 1000) / (w * r)), windowMs: w * r };
  }
}

/**
 * Latency histogram with logarithmic buckets 1% wide: a few hundred numbers whatever the sample
 * count, plain JSON, and mergeable, so every load-generator process can ship its own to the
 * orchestrator. Quantiles are within 1% of the exact value.
 */
const GROWTH = Math.log(1.01);
/** Values are kept in microseconds so sub-millisecond latencies keep their resolution. */
const UNIT = 1000;

export interface HistogramJson {
  buckets: [number, number][];
  count: number;
  sum: number;
  min: number;
  max: number;
}

export class Histogram {
  private buckets = new Map<number, number>();
  count = 0;
  sum = 0;
  min = Number.POSITIVE_INFINITY;
  max = 0;

  /** Records one value in milliseconds (negative values count as 0). */
  record(ms: number): void {
    const v = Math.max(0, ms);
    const i = bucketOf(v);
    this.buckets.set(i, (this.buckets.get(i) ?? 0) + 1);
    this.count++;
    this.sum += v;
    if (v < this.min) this.min = v;
    if (v > this.max) this.max = v;
  }

  /** The value below which a fraction q of the samples lie (ms); 0 when empty. */
  quantile(q: number): number {
    if (this.count === 0) return 0;
    const rank = Math.max(1, Math.ceil(q * this.count));
    let seen = 0;
    for (const i of [...this.buckets.keys()].sort((a, b) => a - b)) {
      seen += this.buckets.get(i) ?? 0;
      if (seen >= rank) return Math.min(this.max, Math.max(this.min, upperOf(i)));
    }
    return this.max;
  }

  mean(): number {
    return this.count === 0 ? 0 : this.sum / this.count;
  }

  merge(other: Histogram | HistogramJson): this {
    const o = other instanceof Histogram ? other.toJSON() : other;
    for (const [i, n] of o.buckets) this.buckets.set(i, (this.buckets.get(i) ?? 0) + n);
    this.count += o.count;
    this.sum += o.sum;
    if (o.count > 0) {
      this.min = Math.min(this.min, o.min);
      this.max = Math.max(this.max, o.max);
    }
    return this;
  }

  toJSON(): HistogramJson {
    return { buckets: [...this.buckets.entries()], count: this.count, sum: this.sum, min: this.count ? this.min : 0, max: this.max };
  }

  static from(json: HistogramJson): Histogram {
    return new Histogram().merge(json);
  }

  static mergeAll(list: (Histogram | HistogramJson | undefined)[]): Histogram {
    const h = new Histogram();
    for (const x of list) if (x) h.merge(x);
    return h;
  }

  /** p50/p95/p99/max rounded for reports. */
  summary(): LatencySummary {
    return {
      count: this.count,
      p50Ms: round(this.quantile(0.5)),
      p95Ms: round(this.quantile(0.95)),
      p99Ms: round(this.quantile(0.99)),
      maxMs: round(this.max),
      meanMs: round(this.mean()),
    };
  }
}

export interface LatencySummary {
  count: number;
  p50Ms: number;
  p95Ms: number;
  p99Ms: number;
  maxMs: number;
  meanMs: number;
}

function bucketOf(ms: number): number {
  const us = ms * UNIT;
  return us < 1 ? 0 : Math.floor(Math.log(us) / GROWTH) + 1;
}

function upperOf(bucket: number): number {
  return bucket === 0 ? 0.001 : Math.exp(bucket * GROWTH) / UNIT;
}

export function round(x: number, digits = 2): number {
  const f = 10 ** digits;
  return Math.round(x * f) / f;
}

import { describe, expect, it } from "vitest";
import { Histogram } from "./histogram.js";
import { Series } from "./series.js";

describe("Histogram", () => {
  it("gives quantiles within 1% of the exact ones", () => {
    const h = new Histogram();
    const values: number[] = [];
    for (let i = 1; i <= 10_000; i++) {
      const v = (i * 7919) % 997 / 10 + 0.05;
      values.push(v);
      h.record(v);
    }
    values.sort((a, b) => a - b);
    for (const q of [0.5, 0.95, 0.99]) {
      const exact = values[Math.ceil(q * values.length) - 1] as number;
      expect(Math.abs(h.quantile(q) - exact) / exact).toBeLessThan(0.011);
    }
    expect(h.count).toBe(10_000);
    expect(h.max).toBe(values.at(-1));
  });

  it("merges through JSON as if recorded in one place", () => {
    const a = new Histogram();
    const b = new Histogram();
    const all = new Histogram();
    for (let i = 0; i < 1000; i++) {
      const v = i % 3 === 0 ? i / 10 : i / 100;
      (i % 2 ? a : b).record(v);
      all.record(v);
    }
    const merged = Histogram.mergeAll([JSON.parse(JSON.stringify(a)), b]);
    expect(merged.summary()).toEqual(all.summary());
  });

  it("is empty-safe", () => {
    expect(new Histogram().summary()).toEqual({ count: 0, p50Ms: 0, p95Ms: 0, p99Ms: 0, maxMs: 0, meanMs: 0 });
  });
});

describe("Series", () => {
  it("lines up per-second counts from several processes and skips partial edge seconds for the peak", () => {
    const a = new Series();
    const b = new Series();
    a.inc("join", 1000_100, 5);
    a.inc("join", 1001_100, 50);
    b.inc("join", 1001_900, 30);
    b.inc("join", 1002_100, 40);
    b.inc("join", 1003_100, 500);
    const s = Series.from(JSON.parse(JSON.stringify(a))).merge(b.toJSON());
    expect(s.values("join", 1000_000, 1003_999).map((x) => x.value)).toEqual([5, 80, 40, 500]);
    expect(s.peak("join", 1000_000, 1003_999)).toBe(80);
  });

  it("gives a closed loop shorter than a second its best rate over the whole tenths it covers", () => {
    // 0.65 s of joins at ~15,000 /s, straddling a second boundary: no whole second holds them.
    const s = new Series(100);
    const perSecond = new Series();
    const from = 1000_450;
    for (let t = from; t < from + 650; t += 2) {
      s.inc("join", t, 30);
      perSecond.inc("join", t, 30);
    }
    // whole tenths 1000.5–1000.9 and 1001.0: 600 ms at 1,500 per tenth
    expect(Series.from(s.toJSON(), 100).bestRate("join", from, from + 650)).toEqual({ perSec: 15_000, windowMs: 600 });
    // whole seconds would call 8,250 the best second of a loop running at 15,000 /s
    expect(perSecond.values("join", from, from + 650).map((x) => x.value)).toEqual([8_250, 1_500]);
    expect(perSecond.peak("join", from, from + 650)).toBe(8_250);
  });

  it("slides a one-second window by its buckets and finds the best stretch", () => {
    const s = new Series(100);
    // 3 s: 100 per tenth, then a stretch of 10 tenths at 300 that straddles a second boundary
    for (let b = 0; b < 30; b++) s.inc("join", 2000_000 + b * 100 + 50, b >= 13 && b < 23 ? 300 : 100);
    expect(s.bestRate("join", 2000_000, 2003_000)).toEqual({ perSec: 3000, windowMs: 1000 });
    expect(s.bestRate("join", 2000_000, 2000_150)).toEqual({ perSec: 0, windowMs: 0 });
  });
});

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
});

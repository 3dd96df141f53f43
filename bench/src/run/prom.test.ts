import { describe, expect, it } from "vitest";
import { counterMovedBy, diffHistograms, histogram, parseProm, summariseHistogram } from "./prom.js";

const scrape = (counts: [string, number][], sum: number) =>
  parseProm(
    [
      "# HELP qd_wait_seconds x",
      ...counts.map(([le, n]) => `qd_wait_seconds_bucket{le="${le}"} ${n}`),
      `qd_wait_seconds_sum ${sum}`,
      `qd_wait_seconds_count ${counts.at(-1)?.[1] ?? 0}`,
    ].join("\n"),
  );

describe("prometheus histograms", () => {
  it("take what happened between two scrapes and give its mean and p99 bucket", () => {
    const earlier = histogram(scrape([["0.01", 90], ["0.1", 100], ["+Inf", 100]], 1.4), "qd_wait_seconds");
    const later = histogram(scrape([["0.01", 190], ["0.1", 290], ["+Inf", 300]], 25.4), "qd_wait_seconds");
    const between = diffHistograms(later, earlier);
    expect(between.count).toBe(200);
    expect(between.buckets).toEqual([["0.01", 100], ["0.1", 190], ["+Inf", 200]]);
    const s = summariseHistogram(between);
    expect(s.mean).toBeCloseTo(0.12, 6);
    // 198 of 200 is past the 0.1 bucket's 190: only +Inf holds the 99th percentile.
    expect(s.quantileLe).toBe(Number.POSITIVE_INFINITY);
    expect(summariseHistogram(between, 0.9).quantileLe).toBe(0.1);
    expect(summariseHistogram(between, 0.5).quantileLe).toBe(0.01);
  });

  it("keep to the label set asked for", () => {
    const samples = parseProm(
      [
        'qd_api_call_seconds_bucket{path="queue.join",le="0.01"} 3',
        'qd_api_call_seconds_bucket{path="queue.join",le="+Inf"} 4',
        'qd_api_call_seconds_sum{path="queue.join"} 0.5',
        'qd_api_call_seconds_count{path="queue.join"} 4',
        'qd_api_call_seconds_bucket{path="queue.status",le="0.01"} 10',
        'qd_api_call_seconds_bucket{path="queue.status",le="+Inf"} 10',
        'qd_api_call_seconds_sum{path="queue.status"} 0.02',
        'qd_api_call_seconds_count{path="queue.status"} 10',
      ].join("\n"),
    );
    expect(histogram(samples, "qd_api_call_seconds", { path: "queue.join" })).toEqual({
      count: 4,
      sum: 0.5,
      buckets: [["0.01", 3], ["+Inf", 4]],
    });
    expect(histogram(samples, "qd_api_call_seconds").count).toBe(14);
  });

  it("say nothing of an empty one", () => {
    expect(summariseHistogram({ count: 0, sum: 0, buckets: [] })).toEqual({ count: 0, mean: 0, quantileLe: 0 });
  });
});

describe("prometheus counters", () => {
  const stretch = (one: number, four: number) =>
    parseProm(`qd_watch_interval_stretch_seconds_total{factor="1"} ${one}\nqd_watch_interval_stretch_seconds_total{factor="4"} ${four}\nqd_other_total 7`);

  it("sum a labelled counter over processes, by label, as it moved between two scrapes", () => {
    const before = [stretch(100, 0), stretch(90, 2)];
    const after = [stretch(103, 10), stretch(101, 2)];
    expect(counterMovedBy(after, before, "qd_watch_interval_stretch_seconds_total", "factor")).toEqual({ "1": 14, "4": 10 });
  });

  it("leave out what did not move, and count a label first seen in the later scrape from zero", () => {
    const before = [parseProm(`qd_watch_interval_stretch_seconds_total{factor="1"} 5`)];
    expect(counterMovedBy([stretch(5, 3)], before, "qd_watch_interval_stretch_seconds_total", "factor")).toEqual({ "4": 3 });
  });
});

import { describe, expect, it } from "vitest";
import { diffHistograms, histogram, parseProm, summariseHistogram } from "./prom.js";

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

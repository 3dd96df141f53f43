import { describe, expect, it } from "vitest";
import { addPoint, type ChartPoint, mergeSeries } from "./series";

const pt = (at: number, joined?: number): ChartPoint => ({ at, joined, waiting: 0, admitted: 0, sold: 0 });

describe("chart series", () => {
  it("appends in order and caps length", () => {
    let s: ChartPoint[] = [];
    for (let i = 0; i < 10; i++) s = addPoint(s, pt(i * 1000), 5);
    expect(s.map((p) => p.at)).toEqual([5000, 6000, 7000, 8000, 9000]);
  });
  it("replaces a sample at the same instant, keeping joined", () => {
    const s = addPoint([pt(1000, 3)], pt(1200));
    expect(s).toHaveLength(1);
    expect(s[0]?.joined).toBe(3);
    expect(s[0]?.at).toBe(1200);
  });
  it("ignores samples from the past", () => {
    expect(addPoint([pt(5000)], pt(1000))).toHaveLength(1);
  });
  it("merges history then live", () => {
    const s = mergeSeries([pt(3000), pt(1000), pt(2000)], [pt(2500), pt(4000, 7)]);
    expect(s.map((p) => p.at)).toEqual([1000, 2000, 3000, 4000]);
    expect(s[3]?.joined).toBe(7);
  });
});

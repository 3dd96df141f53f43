import { describe, expect, it } from "vitest";
import { niceStep, renderChart } from "./chart.js";

describe("chart", () => {
  it("picks round axis steps", () => {
    expect(niceStep(19_565)).toBe(5_000);
    expect(niceStep(830)).toBe(200);
    expect(niceStep(0)).toBe(1);
  });

  it("draws one path per series with data, phases labelled, text escaped", () => {
    const t0 = 1_800_000_000_000;
    const series: [number, Record<string, number>][] = [
      [t0 / 1000, { join: 1200 }],
      [t0 / 1000 + 1, { join: 1800, status: 10 }],
      [t0 / 1000 + 2, { order: 40, admitted: 50 }],
    ];
    const svg = renderChart("run <1>", series, [
      { name: "joins", start: t0, end: t0 + 2000 },
      { name: "sale & close", start: t0 + 2000, end: t0 + 3000 },
    ]);
    expect(svg.startsWith("<svg")).toBe(true);
    expect(svg).toContain("run &lt;1&gt;");
    expect(svg).toContain("sale &amp; close");
    // join, status (top); orders, admissions (bottom); nothing for series without data
    expect(svg.match(/<path /g)?.length).toBe(4);
    expect(svg).not.toContain("payment.checkout");
  });
});

import { describe, expect, it } from "vitest";
import { adaptiveLinger, LINGER_BUSY_ELU, LINGER_IDLE_ELU, lingerForUtilization } from "./linger.js";

describe("the join log's linger by event-loop utilisation", () => {
  it("is the shortest while the process has CPU to spare and the longest while it is busy", () => {
    expect(lingerForUtilization(0, 1, 3)).toBe(1);
    expect(lingerForUtilization(LINGER_IDLE_ELU, 1, 3)).toBe(1);
    expect(lingerForUtilization(LINGER_BUSY_ELU, 1, 3)).toBe(3);
    expect(lingerForUtilization(1, 1, 3)).toBe(3);
  });

  it("grows steadily in between", () => {
    const mid = (LINGER_IDLE_ELU + LINGER_BUSY_ELU) / 2;
    expect(lingerForUtilization(mid, 1, 3)).toBeCloseTo(2, 10);
    let last = 0;
    for (let elu = 0; elu <= 1; elu += 0.01) {
      const ms = lingerForUtilization(elu, 1, 3);
      expect(ms).toBeGreaterThanOrEqual(last);
      last = ms;
    }
  });

  it("is fixed when the shortest is not shorter than the longest, and survives a NaN reading", () => {
    expect(lingerForUtilization(0, 3, 3)).toBe(3);
    expect(lingerForUtilization(1, 5, 3)).toBe(3);
    expect(lingerForUtilization(Number.NaN, 1, 3)).toBe(1);
  });
});

describe("adaptiveLinger", () => {
  function clocked(readings: number[]) {
    let t = 0;
    let reads = 0;
    const linger = adaptiveLinger(1, 3, {
      sampleMs: 100,
      now: () => t,
      utilization: () => readings[reads++] ?? 0,
    });
    return { linger, advance: (ms: number) => (t += ms), reads: () => reads };
  }

  it("starts at the longest, then follows the utilisation read at most once per sample period", () => {
    const c = clocked([0.2, 1, (LINGER_IDLE_ELU + LINGER_BUSY_ELU) / 2]);
    expect(c.linger()).toBe(3);
    expect(c.reads()).toBe(0);
    c.advance(100);
    expect(c.linger()).toBe(1);
    c.advance(50);
    // Within the period: the same answer, nothing read.
    expect(c.linger()).toBe(1);
    expect(c.reads()).toBe(1);
    c.advance(50);
    expect(c.linger()).toBe(3);
    c.advance(100);
    expect(c.linger()).toBeCloseTo(2, 10);
    expect(c.reads()).toBe(3);
  });

  it("reads nothing when the linger is fixed", () => {
    let reads = 0;
    const linger = adaptiveLinger(3, 3, { utilization: () => ++reads });
    expect(linger()).toBe(3);
    expect(reads).toBe(0);
  });

  it("reads this process's own event loop by default", async () => {
    const linger = adaptiveLinger(1, 3, { sampleMs: 20 });
    // Idle since it was made.
    await new Promise((r) => setTimeout(r, 100));
    expect(linger()).toBe(1);
    // Busy for 60 ms without yielding: the loop was fully used since the last reading.
    const end = performance.now() + 60;
    while (performance.now() < end) {
      // spin
    }
    expect(linger()).toBe(3);
    // Then idle.
    await new Promise((r) => setTimeout(r, 200));
    expect(linger()).toBe(1);
  });
});

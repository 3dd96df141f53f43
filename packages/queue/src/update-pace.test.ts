import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { DEFAULT_PACE_RULE, type LoopTime, nextStretch, UpdatePace } from "./update-pace.js";

const rule = DEFAULT_PACE_RULE;

describe("nextStretch", () => {
  it("doubles on a saturated sample, halves on an easy one, holds in between", () => {
    expect(nextStretch(1, 0.95, rule)).toBe(2);
    expect(nextStretch(2, 0.95, rule)).toBe(4);
    expect(nextStretch(4, 0.99, rule)).toBe(4);
    expect(nextStretch(4, 0.8, rule)).toBe(4);
    expect(nextStretch(4, 0.5, rule)).toBe(2);
    expect(nextStretch(2, 0.1, rule)).toBe(1);
    expect(nextStretch(1, 0, rule)).toBe(1);
  });

  it("never leaves [1, maxStretch], and a max of 1 never stretches", () => {
    fc.assert(
      fc.property(fc.double({ min: 1, max: 64, noNaN: true }), fc.double({ min: 0, max: 1, noNaN: true }), fc.integer({ min: 1, max: 16 }), (current, u, max) => {
        const next = nextStretch(current, u, { ...rule, maxStretch: max });
        expect(next).toBeGreaterThanOrEqual(1);
        expect(next).toBeLessThanOrEqual(max);
        if (max === 1) expect(next).toBe(1);
      }),
    );
  });
});

describe("UpdatePace", () => {
  /** A fake event-loop clock: each step adds `active` and `idle` milliseconds. */
  function clock() {
    const t: LoopTime = { idle: 0, active: 0 };
    return {
      measure: () => ({ ...t }),
      spend(active: number, idle: number) {
        t.active += active;
        t.idle += idle;
      },
    };
  }

  it("follows the utilisation of each sample, not of the process's whole life", () => {
    const c = clock();
    const seen: number[] = [];
    const spent: [number, number][] = [];
    const pace = new UpdatePace(rule, { changed: (s) => seen.push(s), spent: (s, ms) => spent.push([s, ms]) }, c.measure);
    pace.start(60_000);
    try {
      // [active ms, idle ms, stretch after the sample]: a long busy past must not keep it
      // stretched once the loop has time again.
      const steps: [number, number, number][] = [
        [950, 50, 2],
        [990, 10, 4],
        [300, 700, 2],
        [0, 1000, 1],
      ];
      for (const [active, idle, stretch] of steps) {
        c.spend(active, idle);
        pace.sample();
        expect(pace.stretch, `after ${active} ms busy of ${active + idle}`).toBe(stretch);
      }
      expect(seen).toEqual([2, 4, 2, 1]);
      // Each second is booked at the factor that held during it, not the one it led to.
      expect(spent).toEqual([
        [1, 1000],
        [2, 1000],
        [4, 1000],
        [2, 1000],
      ]);
    } finally {
      pace.stop();
    }
  });

  it("stays at 1 when stretching is off", () => {
    const c = clock();
    const pace = new UpdatePace({ ...rule, maxStretch: 1 }, {}, c.measure);
    c.spend(1000, 0);
    pace.sample();
    expect(pace.stretch).toBe(1);
  });
});

import { describe, expect, it } from "vitest";
import { latest, progressPercent, roomView, type TicketLike } from "./queue-view";

const base: TicketLike = {
  state: "WAITING",
  seq: 10,
  ahead: 4,
  etaSec: 120,
  stockLeft: 5,
  admitted: 2,
  capacity: 2,
  expiresAt: null,
  orderId: null,
  version: "3",
};

describe("progressPercent", () => {
  it("moves from 0 to 100 as people ahead are served", () => {
    expect(progressPercent(8, 8)).toBe(0);
    expect(progressPercent(4, 8)).toBe(50);
    expect(progressPercent(0, 8)).toBe(100);
  });
  it("is complete when nobody was ever ahead", () => {
    expect(progressPercent(0, 0)).toBe(100);
  });
});

describe("roomView", () => {
  it("waits with position and eta", () => {
    const v = roomView(base, 8);
    expect(v.headline).toBe("4 people are ahead of you");
    expect(v.detail).toContain("about 2 minutes");
    expect(v.progress).toBe(50);
    expect(v.goCheckout).toBe(false);
  });
  it("goes to checkout once admitted", () => {
    expect(roomView({ ...base, state: "ADMITTED", ahead: 0 }, 8).goCheckout).toBe(true);
    expect(roomView({ ...base, state: "PAYING", ahead: 0 }, 8).goCheckout).toBe(true);
  });
  it("ends on sold out, expiry, leaving and purchase", () => {
    for (const state of ["SOLD_OUT", "EXPIRED", "LEFT", "PURCHASED"] as const) {
      const v = roomView({ ...base, state }, 8);
      expect(v.final).toBe(true);
      expect(v.goCheckout).toBe(false);
    }
    expect(roomView({ ...base, state: "SOLD_OUT" }, 8).headline).toBe("Sold out");
  });
});

describe("latest", () => {
  it("keeps the snapshot received last", () => {
    const a = { ...base, ahead: 3 };
    const b = { ...base, ahead: 1 };
    expect(latest({ value: a, at: 1 }, { value: b, at: 2 })).toBe(b);
    expect(latest({ value: b, at: 2 }, { value: a, at: 1 })).toBe(b);
    expect(latest({ value: null, at: 5 }, { value: a, at: 1 })).toBe(a);
    expect(latest({ value: undefined, at: 1 })).toBeNull();
  });
});

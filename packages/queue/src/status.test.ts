import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { computeStatus, etaSeconds, needsRecord, onlyNumbersMoved, peopleAhead, updateIntervalMs, watchIntervalMs } from "./status.js";
import type { RoomSnapshot } from "./types.js";
import { roomSnapshot } from "../test/fixtures.js";

const room = (over: Partial<RoomSnapshot> = {}): RoomSnapshot => roomSnapshot(over);

describe("people ahead", () => {
  it("counts the numbers between serving and mine, minus those who left", () => {
    expect(peopleAhead(11, room(), [])).toBe(0);
    expect(peopleAhead(20, room(), [])).toBe(9);
    expect(peopleAhead(20, room(), [12, 15, 25])).toBe(7);
    expect(peopleAhead(5, room(), [])).toBe(0);
  });
  it("is never negative and never more than the raw gap", () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 1000 }), fc.integer({ min: 0, max: 1000 }), fc.uniqueArray(fc.integer({ min: 0, max: 1000 })), (serving, seq, left) => {
        const ahead = peopleAhead(seq, room({ serving }), [...left].sort((a, b) => a - b));
        expect(ahead).toBeGreaterThanOrEqual(0);
        expect(ahead).toBeLessThanOrEqual(Math.max(0, seq - serving - 1));
      }),
    );
  });
});

describe("eta", () => {
  it("uses the measured rate, or the worst case of one room turn per TTL", () => {
    expect(etaSeconds(10, room({ rate: 2 }))).toBe(5);
    // capacity 5 per 60 s is the floor
    expect(etaSeconds(10, room({ rate: 0 }))).toBe(120);
    expect(etaSeconds(0, room())).toBe(0);
  });
});

describe("computeStatus", () => {
  const ref = { productId: 1, seq: 20, userId: "u" };
  it("tells a waiting ticket from the snapshot alone", () => {
    expect(needsRecord(ref, room(), [])).toBe(false);
    const s = computeStatus("t", ref, room(), null, []);
    expect(s).toMatchObject({ state: "WAITING", ahead: 9, etaSec: 5, stockLeft: 40 });
  });
  it("shows sold out to waiting tickets the moment the room sells out", () => {
    expect(computeStatus("t", ref, room({ soldOut: true }), null, []).state).toBe("SOLD_OUT");
  });
  it("needs the record once admission has passed the ticket", () => {
    expect(needsRecord(ref, room({ serving: 20 }), [])).toBe(true);
    const s = computeStatus("t", ref, room({ serving: 20 }), { state: "ADMITTED", expiresAt: 123, lastSeen: 0, orderId: null }, []);
    expect(s).toMatchObject({ state: "ADMITTED", ahead: 0, expiresAt: 123, etaSec: null });
  });
  it("shows LEFT from the left list and changes version when anything shown changes", () => {
    expect(computeStatus("t", ref, room(), null, [20]).state).toBe("LEFT");
    const a = computeStatus("t", ref, room(), null, []);
    const b = computeStatus("t", ref, room({ serving: 11 }), null, []);
    expect(a.version).not.toBe(b.version);
  });
});

describe("watch interval", () => {
  it("is the minimum near the front and grows with the ETA up to the maximum", () => {
    expect(watchIntervalMs(0, 1000, 5000)).toBe(1000);
    expect(watchIntervalMs(20, 1000, 5000)).toBe(1000);
    expect(watchIntervalMs(60, 1000, 5000)).toBe(3000);
    expect(watchIntervalMs(600, 1000, 5000)).toBe(5000);
    // No rate known yet: the longest.
    expect(watchIntervalMs(null, 1000, 5000)).toBe(5000);
    // A maximum below the minimum means a fixed interval.
    expect(watchIntervalMs(600, 2000, 1000)).toBe(2000);
  });

  it("never moves a shown ETA by more than ~5 % between updates when the line moves at its pace", () => {
    fc.assert(
      fc.property(fc.integer({ min: 21, max: 99 }), (eta) => {
        const ms = watchIntervalMs(eta, 1000, 5000);
        return ms / 1000 <= eta * 0.05 + 1e-9;
      }),
    );
  });
});

describe("what a watcher may hold back", () => {
  const ref = { productId: 1, seq: 20, userId: "u" };
  const admitted = (over: Partial<RoomSnapshot> = {}, expiresAt = 123) =>
    computeStatus("t", ref, room({ serving: 20, ...over }), { state: "ADMITTED", expiresAt, lastSeen: 0, orderId: null }, []);

  it("holds back the room's counters moving under a shopper in checkout, not a change of its own", () => {
    const a = admitted();
    const moreAdmitted = admitted({ admitted: 7, reservable: 30 });
    expect(moreAdmitted.version).not.toBe(a.version);
    expect(onlyNumbersMoved(a, moreAdmitted)).toBe(true);
    // A new hold expiry, a new state, an order: the shopper acts on these.
    expect(onlyNumbersMoved(a, admitted({}, 456))).toBe(false);
    const paying = computeStatus("t", ref, room({ serving: 20 }), { state: "PAYING", expiresAt: 123, lastSeen: 0, orderId: null }, []);
    expect(onlyNumbersMoved(a, paying)).toBe(false);
    const bought = computeStatus("t", ref, room({ serving: 20 }), { state: "PURCHASED", expiresAt: null, lastSeen: 0, orderId: 9 }, []);
    expect(onlyNumbersMoved(paying, bought)).toBe(false);
  });

  it("treats a waiting ticket's line moving as numbers, and its admission as news", () => {
    const w = computeStatus("t", ref, room(), null, []);
    expect(onlyNumbersMoved(w, computeStatus("t", ref, room({ serving: 15 }), null, []))).toBe(true);
    expect(onlyNumbersMoved(w, admitted())).toBe(false);
    expect(onlyNumbersMoved(w, computeStatus("t", ref, room({ soldOut: true }), null, []))).toBe(false);
  });

  it("spaces a waiting shopper's updates by ETA and a shopper in checkout's by the minimum", () => {
    const far = computeStatus("t", { ...ref, seq: 1000 }, room({ rate: 10 }), null, []);
    expect(far.etaSec).toBeGreaterThan(60);
    expect(updateIntervalMs(far, 1000, 5000)).toBe(watchIntervalMs(far.etaSec, 1000, 5000));
    expect(updateIntervalMs(far, 1000, 5000)).toBeGreaterThan(1000);
    expect(updateIntervalMs(admitted(), 1000, 5000)).toBe(1000);
  });
});

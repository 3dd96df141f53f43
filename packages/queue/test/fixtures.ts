import type { PublishedSnapshot } from "../src/snapshots.js";

/** A room snapshot for pure tests: a room serving #10 of 100, 5 admitted, 40 units left. */
export function roomSnapshot(over: Partial<PublishedSnapshot> = {}): PublishedSnapshot {
  return {
    productId: 1,
    seq: 100,
    serving: 10,
    admitted: 5,
    reservable: 40,
    sold: 0,
    capacity: 5,
    ttlMs: 60_000,
    startsAt: 0,
    endsAt: 0,
    paused: false,
    soldOut: false,
    rate: 2,
    admittedTotal: 10,
    version: 3,
    at: 0,
    leftCount: 0,
    ...over,
  };
}

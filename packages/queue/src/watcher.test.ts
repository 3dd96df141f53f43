import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { roomSnapshot } from "../test/fixtures.js";
import type { PublishedSnapshot } from "./snapshots.js";
import type { TicketStatus } from "./types.js";
import { TicketWatcher, type WatchDeps } from "./watcher.js";

const ref = { productId: 1, seq: 20, userId: "u" };

function status(over: Partial<TicketStatus>): TicketStatus {
  return {
    ticket: "t",
    productId: 1,
    seq: 20,
    state: "WAITING",
    ahead: 9,
    etaSec: 5,
    stockLeft: 40,
    admitted: 5,
    capacity: 5,
    expiresAt: null,
    orderId: null,
    version: "v0",
    ...over,
  };
}

/** A room whose snapshots the test publishes, and a watcher over it sending to `sent`. */
function watch(stretch: number) {
  let listener: ((snap: PublishedSnapshot) => void) | undefined;
  let current = status({});
  let snap = roomSnapshot({ serving: 10 });
  const deps: WatchDeps = {
    on: (_p, l) => {
      listener = l;
      return () => (listener = undefined);
    },
    onTicket: () => () => undefined,
    peek: () => snap,
    statusNow: () => ({ status: current, leftCount: 0, roomVersion: snap.version }),
    load: () => Promise.reject(new Error("no Redis here")),
    minIntervalMs: 1000,
    maxIntervalMs: 5000,
    stretch: () => stretch,
    opened: () => undefined,
    closed: () => undefined,
  };
  const sent: TicketStatus[] = [];
  const watcher = new TicketWatcher(deps, "t", ref, { next: (s) => sent.push(s) > 0, done: () => undefined, fail: () => undefined }).start();
  return {
    sent,
    watcher,
    /** The line moves (or the ticket's state changes) and the worker publishes a snapshot. */
    move(next: Partial<TicketStatus>, serving = snap.serving + 1) {
      current = status({ ...current, ...next });
      snap = roomSnapshot({ ...snap, serving, version: snap.version + 1 });
      listener?.(snap);
    },
  };
}

describe("TicketWatcher's pace", () => {
  beforeEach(() => vi.useFakeTimers({ now: 1_000_000 }));
  afterEach(() => vi.useRealTimers());

  it("holds 'the line moved' for the interval times the stretch", () => {
    for (const stretch of [1, 3]) {
      const w = watch(stretch);
      expect(w.sent.map((s) => s.ahead)).toEqual([9]);
      vi.advanceTimersByTime(200);
      w.move({ ahead: 8, version: "v1" });
      vi.advanceTimersByTime(200);
      w.move({ ahead: 7, version: "v2" });
      // ETA 5 s asks for the 1 s minimum; stretched, that is `stretch` seconds.
      vi.advanceTimersByTime(1000 * stretch - 400 - 1);
      expect(w.sent.length, `stretch ${stretch}`).toBe(1);
      vi.advanceTimersByTime(1);
      expect(w.sent.map((s) => s.ahead), `stretch ${stretch}`).toEqual([9, 7]);
      w.watcher.stop();
    }
  });

  it("sends a change of state at once, however stretched", () => {
    const w = watch(4);
    vi.advanceTimersByTime(100);
    w.move({ ahead: 8, version: "v1" });
    expect(w.sent).toHaveLength(1);
    // The serving point reached this ticket: the snapshot wakes the held watcher.
    w.move({ state: "ADMITTED", ahead: 0, etaSec: null, expiresAt: 1_300_000, version: "v2" }, ref.seq);
    expect(w.sent.map((s) => s.state)).toEqual(["WAITING", "ADMITTED"]);
    w.watcher.stop();
  });
});

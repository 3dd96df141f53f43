import { setFlagsFromString } from "node:v8";
import type { Redis } from "ioredis";
import { describe, expect, it } from "vitest";
import { type PublishedSnapshot, RoomCache, snapshotOf } from "./snapshots.js";
import type { RoomStore } from "./store.js";
import { roomSnapshot } from "../test/fixtures.js";

const snap = (version: number, over: Partial<PublishedSnapshot> = {}) => roomSnapshot({ serving: 10 + version, version, ...over });

// accept() and the listeners need neither Redis nor the store.
const cache = (intervalMs: number) => new RoomCache(null as unknown as RoomStore, null as unknown as Redis, intervalMs);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe("room cache fan-out", () => {
  it("gathers a burst of snapshots into one call per listener, with the newest", async () => {
    const rooms = cache(50);
    const heard: number[] = [];
    rooms.on(1, (s) => heard.push(s.version));
    for (let v = 1; v <= 100; v++) rooms.accept(snap(v));
    // The cache itself is current at once; only the listeners wait.
    expect(rooms.peek(1)?.version).toBe(100);
    expect(heard).toEqual([]);
    await sleep(20);
    expect(heard).toEqual([100]);
  });

  it("calls listeners at most once per interval, and never drops the last snapshot", async () => {
    const rooms = cache(100);
    const heard: { at: number; version: number }[] = [];
    rooms.on(1, (s) => heard.push({ at: Date.now(), version: s.version }));
    const started = Date.now();
    let v = 0;
    while (Date.now() - started < 350) {
      rooms.accept(snap(++v));
      await sleep(5);
    }
    await sleep(150);
    expect(heard.length).toBeGreaterThanOrEqual(3);
    expect(heard.length).toBeLessThanOrEqual(5);
    for (let i = 1; i < heard.length; i++) expect(heard[i]!.at - heard[i - 1]!.at).toBeGreaterThanOrEqual(95);
    expect(heard.at(-1)?.version).toBe(v);
  });

  it("keeps rooms apart and ignores an older snapshot", async () => {
    const rooms = cache(10);
    const heard: string[] = [];
    rooms.on(1, (s) => heard.push(`1:${s.version}`));
    rooms.on(2, (s) => heard.push(`2:${s.version}`));
    rooms.accept(snap(5));
    rooms.accept(snap(7, { productId: 2 }));
    rooms.accept(snap(3, { seq: 90 }));
    await sleep(30);
    expect(heard.sort()).toEqual(["1:5", "2:7"]);
  });

  it("stops calling a listener once it is removed", async () => {
    const rooms = cache(10);
    const heard: number[] = [];
    const off = rooms.on(1, (s) => heard.push(s.version));
    rooms.accept(snap(1));
    await sleep(20);
    off();
    rooms.accept(snap(2));
    await sleep(20);
    expect(heard).toEqual([1]);
    expect(rooms.watcherCount()).toBe(0);
  });
});

describe("snapshotOf", () => {
  // V8's own answer to "do these two objects share a layout" (a native, enabled for this check).
  setFlagsFromString("--allow-natives-syntax");
  const sameLayout = new Function("a", "b", "return %HaveSameMap(a, b)") as (a: object, b: object) => boolean;

  // First in this file to make one: the layout must not depend on which snapshot came first.
  it("gives snapshots from Redis, from JSON and with whole or fractional rates one layout", () => {
    const read = snapshotOf(snap(1), 0, Date.now(), 0);
    const fractional = snapshotOf(snap(2), 12.5, Date.now(), 1);
    const json = JSON.parse(JSON.stringify(snap(3, { rate: 3 }))) as PublishedSnapshot;
    const parsed = snapshotOf(json, json.rate, json.at, json.leftCount);
    expect(sameLayout(read, fractional)).toBe(true);
    expect(sameLayout(read, parsed)).toBe(true);
    // What it replaces did not: a spread with a whole rate, then one with a fraction.
    const spread = (rate: number) => ({ ...{ productId: 1, seq: 2 }, rate });
    expect(sameLayout(spread(0), spread(12.5))).toBe(false);
  });

  it("copies a snapshot's fields and nothing else a message may carry", () => {
    const s = snap(3, { rate: 1.25, leftCount: 2 });
    const message = JSON.parse(JSON.stringify({ ...s, extra: "x" })) as PublishedSnapshot;
    const made = snapshotOf(message, message.rate, message.at, message.leftCount);
    expect(made).toEqual(s);
    expect(Object.keys(made).sort()).toEqual(Object.keys(s).sort());
  });
});

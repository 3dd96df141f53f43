import type { Redis } from "ioredis";
import { describe, expect, it } from "vitest";
import { type PublishedSnapshot, RoomCache } from "./snapshots.js";
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

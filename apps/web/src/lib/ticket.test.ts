import { describe, expect, it } from "vitest";
import { isActive, newIdempotencyKey, rememberStartAhead, untrack } from "./ticket";

class MemStore {
  m = new Map<string, string>();
  getItem(k: string) {
    return this.m.get(k) ?? null;
  }
  setItem(k: string, v: string) {
    this.m.set(k, v);
  }
}

describe("ticket helpers", () => {
  it("knows active states", () => {
    expect(isActive("WAITING")).toBe(true);
    expect(isActive("PAYING")).toBe(true);
    expect(isActive("SOLD_OUT")).toBe(false);
    expect(isActive(null)).toBe(false);
  });
  it("unwraps tracked events", () => {
    const s = { state: "WAITING", version: 2 };
    expect(untrack({ id: "2", data: s })).toBe(s);
    expect(untrack(s)).toBe(s);
  });
  it("keeps the largest ahead across reloads", () => {
    const store = new MemStore();
    expect(rememberStartAhead("t1", 8, store)).toBe(8);
    expect(rememberStartAhead("t1", 3, store)).toBe(8);
    expect(rememberStartAhead("t2", 1, store)).toBe(1);
    expect(rememberStartAhead("t1", 2, null)).toBe(2);
  });
  it("makes distinct keys", () => {
    expect(newIdempotencyKey()).not.toBe(newIdempotencyKey());
    expect(newIdempotencyKey().length).toBeLessThanOrEqual(64);
  });
});

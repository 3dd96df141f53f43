import { describe, expect, it } from "vitest";
import { liveSaleState, saleClock, soldPercent, stockBadge } from "./sale";

const now = Date.UTC(2026, 10, 25, 12);
const min = 60_000;

describe("liveSaleState", () => {
  it("follows the clock", () => {
    const p = { stockLeft: 5, saleStartsAt: new Date(now + min).toISOString(), saleEndsAt: new Date(now + 10 * min).toISOString() };
    expect(liveSaleState(p, now)).toBe("upcoming");
    expect(liveSaleState(p, now + min)).toBe("on_sale");
    expect(liveSaleState(p, now + 10 * min)).toBe("ended");
  });
  it("is sold out at zero stock while open", () => {
    expect(liveSaleState({ stockLeft: 0, saleStartsAt: now - min, saleEndsAt: null }, now)).toBe("sold_out");
  });
  it("says ended even when sold out", () => {
    expect(liveSaleState({ stockLeft: 0, saleStartsAt: now - 2 * min, saleEndsAt: now - min }, now)).toBe("ended");
  });
  it("is not sold out while the last units are only held in checkout", () => {
    expect(liveSaleState({ stockLeft: 0, saleStartsAt: now - min, saleEndsAt: null, saleState: "on_sale" }, now)).toBe("on_sale");
  });
  it("trusts a server sold-out even before stock reaches the client", () => {
    expect(liveSaleState({ stockLeft: 3, saleStartsAt: now - min, saleEndsAt: null, saleState: "sold_out" }, now)).toBe("sold_out");
  });
});

describe("saleClock", () => {
  it("counts to the start, then to the end", () => {
    const p = { stockLeft: 5, saleStartsAt: now + 2 * min, saleEndsAt: now + 5 * min };
    expect(saleClock(p, now)).toEqual({ state: "upcoming", label: "Starts in", msLeft: 2 * min });
    expect(saleClock(p, now + 3 * min)).toEqual({ state: "on_sale", label: "Ends in", msLeft: 2 * min });
    expect(saleClock(p, now + 6 * min).label).toBeNull();
  });
  it("has nothing to count for an open-ended sale", () => {
    expect(saleClock({ stockLeft: 5, saleStartsAt: now - min, saleEndsAt: null }, now).msLeft).toBeNull();
  });
});

describe("stock", () => {
  it("flags low stock", () => {
    expect(stockBadge(0, 100)).toEqual({ text: "Sold out", tone: "out" });
    expect(stockBadge(0, 100, 2)).toEqual({ text: "All held in checkout", tone: "low" });
    expect(stockBadge(3, 100)).toEqual({ text: "Only 3 left", tone: "low" });
    expect(stockBadge(10, 100)).toEqual({ text: "Only 10 left", tone: "low" });
    expect(stockBadge(60, 100)).toEqual({ text: "60 left", tone: "ok" });
  });
  it("computes the sold share", () => {
    expect(soldPercent(25, 100)).toBe(75);
    expect(soldPercent(0, 0)).toBe(100);
    expect(soldPercent(120, 100)).toBe(0);
  });
});

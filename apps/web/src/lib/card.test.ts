import { describe, expect, it } from "vitest";
import { cardBrand, formatCardNumber, formatExpiry, luhnValid, TEST_CARDS, validateCard } from "./card";

const now = new Date(Date.UTC(2026, 10, 25));
const good = { number: "4242 4242 4242 4242", name: "Ada Lovelace", expiry: "12/28", cvc: "123" };

describe("luhnValid", () => {
  it("accepts every listed test card", () => {
    for (const c of TEST_CARDS) expect(luhnValid(c.number.replace(/ /g, ""))).toBe(true);
  });
  it("rejects a typo and non-digits", () => {
    expect(luhnValid("4242424242424241")).toBe(false);
    expect(luhnValid("4242-4242")).toBe(false);
    expect(luhnValid("")).toBe(false);
  });
  it("accepts known valid numbers", () => {
    expect(luhnValid("79927398713")).toBe(true);
    expect(luhnValid("378282246310005")).toBe(true);
  });
});

describe("formatting while typing", () => {
  it("groups card digits by four", () => {
    expect(formatCardNumber("4242424242424242")).toBe("4242 4242 4242 4242");
    expect(formatCardNumber("4242 42ab42")).toBe("4242 4242");
    expect(formatCardNumber("1".repeat(25)).replace(/ /g, "")).toHaveLength(19);
  });
  it("inserts the expiry slash", () => {
    expect(formatExpiry("1")).toBe("1");
    expect(formatExpiry("12")).toBe("12");
    expect(formatExpiry("1228")).toBe("12/28");
    expect(formatExpiry("12/2899")).toBe("12/28");
  });
  it("detects brands", () => {
    expect(cardBrand("4242")).toBe("visa");
    expect(cardBrand("5555")).toBe("mastercard");
    expect(cardBrand("3782")).toBe("amex");
    expect(cardBrand("9")).toBe("card");
  });
});

describe("validateCard", () => {
  it("returns normalized fields for a good card", () => {
    const r = validateCard(good, now);
    expect(r).toEqual({
      ok: true,
      card: { number: "4242424242424242", name: "Ada Lovelace", expMonth: 12, expYear: 2028, cvc: "123" },
    });
  });
  it("reports every bad field at once", () => {
    const r = validateCard({ number: "4242 4242 4242 4241", name: " ", expiry: "13/28", cvc: "12" }, now);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(Object.keys(r.errors).sort()).toEqual(["cvc", "expiry", "name", "number"]);
  });
  it("treats the expiry month as valid through its end", () => {
    expect(validateCard({ ...good, expiry: "11/26" }, now).ok).toBe(true);
    const r = validateCard({ ...good, expiry: "10/26" }, now);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.errors.expiry).toMatch(/expired/);
  });
  it("accepts 4-digit years and rejects absurd ones", () => {
    expect(validateCard({ ...good, expiry: "01/2030" }, now).ok).toBe(true);
    expect(validateCard({ ...good, expiry: "01/2099" }, now).ok).toBe(false);
  });
  it("needs 4 CVC digits for amex", () => {
    const amex = { ...good, number: "3782 822463 10005" };
    expect(validateCard({ ...amex, cvc: "123" }, now).ok).toBe(false);
    expect(validateCard({ ...amex, cvc: "1234" }, now).ok).toBe(true);
  });
  it("rejects short numbers", () => {
    const r = validateCard({ ...good, number: "4242" }, now);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.errors.number).toMatch(/12 to 19/);
  });
});

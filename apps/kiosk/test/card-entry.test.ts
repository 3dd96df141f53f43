import { describe, expect, it } from "vitest";
import {
  type CardEntry,
  cardErrors,
  displayExpiry,
  displayNumber,
  emptyCardEntry,
  type KeypadKey,
  luhnOk,
  press,
  toCardDetails,
} from "../src/core/card-entry.js";

const NOW = new Date(Date.UTC(2026, 10, 25));

function type(keys: string, from: CardEntry = emptyCardEntry): CardEntry {
  let e = from;
  for (const k of keys.split(" ").flatMap((w) => (/^\d+$/.test(w) ? w.split("") : [w]))) e = press(e, k as KeypadKey);
  return e;
}

describe("touch keypad card entry", () => {
  it("fills number, expiry and CVC in turn, moving on by itself after 16 valid digits", () => {
    const e = type("4242424242424242 1230 123");
    expect(e).toEqual({ field: "cvc", number: "4242424242424242", expiry: "1230", cvc: "123" });
    expect(toCardDetails(e, NOW)).toEqual({ number: "4242424242424242", expMonth: 12, expYear: 2030, cvc: "123", name: "Kiosk shopper" });
  });

  it("stays on a 16-digit number that fails the checksum, and flags it", () => {
    const e = type("4242424242424241");
    expect(e.field).toBe("number");
    expect(cardErrors(e, NOW).number).toMatch(/not valid/);
  });

  it("backspace crosses back into the previous field, clear empties the current one", () => {
    let e = type("4242424242424242 12");
    e = type("back back back", e);
    expect(e).toMatchObject({ field: "number", number: "424242424242424", expiry: "" });
    e = type("clear", e);
    expect(e.number).toBe("");
  });

  it("caps each field's length (a full expiry moves on to the CVC)", () => {
    const e = type("next 1234 56789");
    expect(e).toMatchObject({ field: "cvc", expiry: "1234", cvc: "5678" });
    expect(type("12345678901234567890123").number).toHaveLength(19);
  });

  it("rejects expired cards and bad months", () => {
    expect(cardErrors(type("4242424242424242 1026 123"), NOW).expiry).toMatch(/expired/);
    expect(cardErrors(type("4242424242424242 1126 123"), NOW).expiry).toBeUndefined();
    expect(cardErrors(type("4242424242424242 1330 123"), NOW).expiry).toMatch(/month/);
    expect(toCardDetails(type("4242424242424242 1026 123"), NOW)).toBeNull();
  });

  it("shows digits grouped, masked to the last four once the field is left", () => {
    expect(displayNumber("4242424242424242", false)).toBe("4242 4242 4242 4242");
    expect(displayNumber("4242424242424242", true)).toBe("•••• •••• •••• 4242");
    expect(displayExpiry("123")).toBe("12/3");
  });

  it("implements the Luhn check", () => {
    expect(luhnOk("4242424242424242")).toBe(true);
    expect(luhnOk("4000000000000002")).toBe(true);
    expect(luhnOk("4242424242424243")).toBe(false);
    expect(luhnOk("42a2")).toBe(false);
  });
});

import type { CardDetails } from "./api.js";

/**
 * Card entry on a touch keypad: three numeric fields filled one digit at a time. Pure, so the
 * renderer only draws it and the rules are tested here.
 */
export type CardField = "number" | "expiry" | "cvc";

export interface CardEntry {
  field: CardField;
  number: string;
  /** MMYY digits. */
  expiry: string;
  cvc: string;
}

export const emptyCardEntry: CardEntry = { field: "number", number: "", expiry: "", cvc: "" };

const MAX: Record<CardField, number> = { number: 19, expiry: 4, cvc: 4 };
const ORDER: CardField[] = ["number", "expiry", "cvc"];

/** Cards at a kiosk carry no typed name; the API wants one, so the channel stands in. */
export const KIOSK_CARDHOLDER = "Kiosk shopper";

export type KeypadKey = "0" | "1" | "2" | "3" | "4" | "5" | "6" | "7" | "8" | "9" | "back" | "clear" | "next";

function complete(entry: CardEntry, field: CardField): boolean {
  if (field === "number") return (entry.number.length === 16 && luhnOk(entry.number)) || entry.number.length === MAX.number;
  if (field === "expiry") return entry.expiry.length === 4;
  return entry.cvc.length === 3;
}

export function press(entry: CardEntry, key: KeypadKey): CardEntry {
  const f = entry.field;
  if (key === "clear") return { ...entry, [f]: "" };
  if (key === "back") {
    if (entry[f] === "" && f !== "number") {
      const prev = ORDER[ORDER.indexOf(f) - 1] ?? "number";
      return { ...entry, field: prev, [prev]: entry[prev].slice(0, -1) };
    }
    return { ...entry, [f]: entry[f].slice(0, -1) };
  }
  if (key === "next") return { ...entry, field: ORDER[ORDER.indexOf(f) + 1] ?? f };
  if (entry[f].length >= MAX[f]) return entry;
  const next = { ...entry, [f]: entry[f] + key };
  // Typical card lengths advance by themselves, so most shoppers never need "next".
  if (f !== "cvc" && complete(next, f)) next.field = ORDER[ORDER.indexOf(f) + 1] ?? f;
  return next;
}

export function focus(entry: CardEntry, field: CardField): CardEntry {
  return { ...entry, field };
}

export function luhnOk(digits: string): boolean {
  if (!/^\d+$/.test(digits)) return false;
  let sum = 0;
  for (let i = 0; i < digits.length; i++) {
    let d = digits.charCodeAt(digits.length - 1 - i) - 48;
    if (i % 2 === 1) {
      d *= 2;
      if (d > 9) d -= 9;
    }
    sum += d;
  }
  return sum % 10 === 0;
}

/** "4242 4242 4242 4242" while typing; only the last four once the field is left (shoulder surfers). */
export function displayNumber(digits: string, masked: boolean): string {
  const shown = masked && digits.length > 4 ? "•".repeat(digits.length - 4) + digits.slice(-4) : digits;
  return shown.replace(/(.{4})(?=.)/g, "$1 ");
}

export function displayExpiry(digits: string): string {
  return digits.length > 2 ? `${digits.slice(0, 2)}/${digits.slice(2)}` : digits;
}

export type CardErrors = Partial<Record<CardField, string>>;

/** Field messages for what is wrong, judged at `now` (an empty object means payable). */
export function cardErrors(entry: CardEntry, now: Date): CardErrors {
  const errors: CardErrors = {};
  if (entry.number.length < 12) errors.number = "Enter the whole card number.";
  else if (!luhnOk(entry.number)) errors.number = "This card number is not valid. Check the digits.";
  const mm = Number(entry.expiry.slice(0, 2));
  const yy = Number(entry.expiry.slice(2, 4));
  if (entry.expiry.length !== 4) errors.expiry = "Enter the expiry as MM/YY.";
  else if (mm < 1 || mm > 12) errors.expiry = "The month must be 01 to 12.";
  else {
    const year = 2000 + yy;
    const nowYear = now.getUTCFullYear();
    const nowMonth = now.getUTCMonth() + 1;
    if (year < nowYear || (year === nowYear && mm < nowMonth)) errors.expiry = "This card has expired.";
  }
  if (!/^\d{3,4}$/.test(entry.cvc)) errors.cvc = "Enter the 3 or 4 digit security code.";
  return errors;
}

/** The card for `payment.checkout`, or null while anything is missing or wrong. */
export function toCardDetails(entry: CardEntry, now: Date): CardDetails | null {
  if (Object.keys(cardErrors(entry, now)).length > 0) return null;
  return {
    number: entry.number,
    expMonth: Number(entry.expiry.slice(0, 2)),
    expYear: 2000 + Number(entry.expiry.slice(2, 4)),
    cvc: entry.cvc,
    name: KIOSK_CARDHOLDER,
  };
}

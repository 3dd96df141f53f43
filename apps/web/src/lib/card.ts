// Card form validation on the client: catches typos before a round trip. The server re-validates.

export interface CardInput {
  number: string;
  name: string;
  /** "MM/YY" as typed. */
  expiry: string;
  cvc: string;
}

export interface CardFields {
  number: string;
  name: string;
  expMonth: number;
  expYear: number;
  cvc: string;
}

export type CardErrors = Partial<Record<keyof CardInput, string>>;

export type CardValidation = { ok: true; card: CardFields } | { ok: false; errors: CardErrors };

/** The fake gateway's deterministic cards (see docs/architecture.md), listed on the page in demo mode. */
export const TEST_CARDS = [
  { number: "4242 4242 4242 4242", outcome: "Approved" },
  { number: "4000 0000 0000 0002", outcome: "Declined" },
  { number: "4000 0000 0000 0119", outcome: "Processor error" },
  { number: "4000 0000 0000 3220", outcome: "Slow (2 s), then approved" },
] as const;

export function digitsOnly(s: string): string {
  return s.replace(/\D/g, "");
}

/** Luhn mod-10 checksum over a digit string. */
export function luhnValid(digits: string): boolean {
  if (!/^\d+$/.test(digits)) return false;
  let sum = 0;
  let double = false;
  for (let i = digits.length - 1; i >= 0; i--) {
    let d = digits.charCodeAt(i) - 48;
    if (double) {
      d *= 2;
      if (d > 9) d -= 9;
    }
    sum += d;
    double = !double;
  }
  return sum % 10 === 0;
}

/** "4242424242424242" → "4242 4242 4242 4242" while typing (max 19 digits). */
export function formatCardNumber(input: string): string {
  return digitsOnly(input)
    .slice(0, 19)
    .replace(/(\d{4})(?=\d)/g, "$1 ");
}

/** "1228" → "12/28" while typing. */
export function formatExpiry(input: string): string {
  const d = digitsOnly(input).slice(0, 4);
  return d.length > 2 ? `${d.slice(0, 2)}/${d.slice(2)}` : d;
}

export function cardBrand(digits: string): "visa" | "mastercard" | "amex" | "card" {
  if (/^4/.test(digits)) return "visa";
  if (/^(5[1-5]|2[2-7])/.test(digits)) return "mastercard";
  if (/^3[47]/.test(digits)) return "amex";
  return "card";
}

export function validateCard(input: CardInput, now: Date = new Date()): CardValidation {
  const errors: CardErrors = {};
  const number = digitsOnly(input.number);
  if (number.length === 0) errors.number = "Enter your card number.";
  else if (number.length < 12 || number.length > 19) errors.number = "Card numbers have 12 to 19 digits.";
  else if (!luhnValid(number)) errors.number = "That card number is not valid — check for a typo.";

  const name = input.name.trim();
  if (name.length === 0) errors.name = "Enter the name on the card.";
  else if (name.length > 64) errors.name = "The name is too long.";

  let expMonth = 0;
  let expYear = 0;
  const m = /^\s*(\d{1,2})\s*\/\s*(\d{2}|\d{4})\s*$/.exec(input.expiry);
  if (!m) errors.expiry = "Use MM/YY.";
  else {
    expMonth = Number(m[1]);
    const y = Number(m[2]);
    expYear = m[2]!.length === 2 ? 2000 + y : y;
    if (expMonth < 1 || expMonth > 12) errors.expiry = "The month must be 01 to 12.";
    else {
      // A card is valid through the last day of its expiry month.
      const nowYm = now.getUTCFullYear() * 12 + now.getUTCMonth();
      const expYm = expYear * 12 + (expMonth - 1);
      if (expYm < nowYm) errors.expiry = "This card has expired.";
      else if (expYm > nowYm + 20 * 12) errors.expiry = "Check the expiry year.";
    }
  }

  const cvc = input.cvc.trim();
  const cvcLen = cardBrand(number) === "amex" ? 4 : 3;
  if (!/^\d+$/.test(cvc)) errors.cvc = "Enter the security code.";
  else if (cvc.length !== cvcLen) errors.cvc = `The security code has ${cvcLen} digits.`;

  if (Object.keys(errors).length > 0) return { ok: false, errors };
  return { ok: true, card: { number, name, expMonth, expYear, cvc } };
}

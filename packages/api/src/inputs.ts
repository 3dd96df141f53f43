import { z } from "zod";

/** Input schemas shared by several routers: every field bounded in length, range and format. */

export const id = z.int("must be a whole number").positive("must be positive").max(Number.MAX_SAFE_INTEGER);
export const productId = id;

export const ticket = z
  .string()
  .min(10, "is not a ticket")
  .max(200, "is not a ticket")
  .regex(/^[A-Za-z0-9._:-]+$/, "is not a ticket");

export const displayName = z
  .string()
  .trim()
  .min(1, "cannot be empty")
  .max(40, "must be at most 40 characters")
  .regex(/^[\p{L}\p{N} .,'_-]+$/u, "may contain letters, digits, spaces and . , ' _ -");

export const transport = z.enum(["cookie", "bearer"]).default("cookie");

export const idempotencyKey = z
  .string()
  .min(8, "must be at least 8 characters")
  .max(64, "must be at most 64 characters")
  .regex(/^[A-Za-z0-9_-]+$/, "may contain letters, digits, _ and -");

export const cursor = id.nullish();

function luhn(digits: string): boolean {
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

export const card = z
  .object({
    number: z
      .string()
      .max(32, "is too long")
      .transform((s) => s.replace(/[\s-]/g, ""))
      .refine((s) => /^\d{12,19}$/.test(s), "must be 12 to 19 digits")
      .refine(luhn, "is not a valid card number"),
    expMonth: z.int().min(1, "must be 1 to 12").max(12, "must be 1 to 12"),
    expYear: z.int().min(2000, "must be a four-digit year").max(2100, "must be a four-digit year"),
    cvc: z.string().regex(/^\d{3,4}$/, "must be 3 or 4 digits"),
    name: z.string().trim().min(1, "cannot be empty").max(100, "must be at most 100 characters"),
  })
  .refine(
    (c) => {
      const now = new Date();
      return c.expYear > now.getUTCFullYear() || (c.expYear === now.getUTCFullYear() && c.expMonth >= now.getUTCMonth() + 1);
    },
    { message: "the card has expired", path: ["expYear"] },
  );

const isoDate = z.iso.datetime({ offset: true }).transform((s) => new Date(s));

export const slug = z
  .string()
  .trim()
  .min(1, "cannot be empty")
  .max(128, "must be at most 128 characters")
  .regex(/^[a-z0-9]+(?:-[a-z0-9]+)*$/, "must be lower-case words joined by -");

export const productFields = {
  slug,
  name: z.string().trim().min(1, "cannot be empty").max(200),
  description: z.string().trim().max(5000),
  category: z.string().trim().min(1, "cannot be empty").max(64),
  imageUrl: z
    .string()
    .trim()
    .max(512)
    .refine((s) => s.startsWith("/") || /^https?:\/\//.test(s), "must be a path or an http(s) URL"),
  priceMinor: z.int().min(0).max(100_000_000),
  currency: z.string().regex(/^[A-Z]{3}$/, "must be a three-letter code like USD"),
  stock: z.int().min(0).max(10_000_000),
  saleStartsAt: isoDate,
  saleEndsAt: isoDate.nullable(),
  capacity: z.int().min(1).max(100_000),
  checkoutTtlSec: z.int().min(30).max(3600),
};

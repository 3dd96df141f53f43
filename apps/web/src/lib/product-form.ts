// Converting between the product editor's text fields and the API's product input (pure, unit-tested).

export interface ProductFormValues {
  name: string;
  slug: string;
  description: string;
  category: string;
  imageUrl: string;
  /** Price as typed, in major units ("249.00"). */
  price: string;
  currency: string;
  stock: string;
  capacity: string;
  checkoutTtlSec: string;
  /** `datetime-local` values in the operator's zone ("2026-11-25T18:30"). */
  saleStartsAt: string;
  saleEndsAt: string;
}

export interface ProductInputOut {
  name: string;
  slug: string;
  description: string;
  category: string;
  imageUrl: string;
  priceMinor: number;
  currency: string;
  stock: number;
  capacity: number;
  checkoutTtlSec: number;
  saleStartsAt: string;
  saleEndsAt: string | null;
}

export type FormErrors = Partial<Record<keyof ProductFormValues, string>>;

export function slugify(name: string): string {
  return name
    .toLowerCase()
    .normalize("NFKD")
    .replace(/[^a-z0-9]+/g, "-")
    .replace(/^-+|-+$/g, "")
    .slice(0, 120);
}

/** A `datetime-local` value for an instant, in the zone of `offsetMin` (Date#getTimezoneOffset). */
export function toLocalInput(ms: number, offsetMin = new Date(ms).getTimezoneOffset()): string {
  return new Date(ms - offsetMin * 60_000).toISOString().slice(0, 16);
}

/** Parses a `datetime-local` value as local time; null when empty or invalid. */
export function fromLocalInput(v: string): Date | null {
  if (!v) return null;
  const d = new Date(v);
  return Number.isNaN(d.getTime()) ? null : d;
}

export function parsePrice(s: string): number | null {
  const m = /^\s*(\d{1,9})(?:[.,](\d{1,2}))?\s*$/.exec(s);
  if (!m) return null;
  return Number(m[1]) * 100 + Number((m[2] ?? "0").padEnd(2, "0"));
}

function int(s: string, min: number, max: number): number | null {
  if (!/^\s*\d+\s*$/.test(s)) return null;
  const n = Number(s);
  return n >= min && n <= max ? n : null;
}

export function validateProduct(v: ProductFormValues): { ok: true; input: ProductInputOut } | { ok: false; errors: FormErrors } {
  const errors: FormErrors = {};
  const name = v.name.trim();
  if (!name) errors.name = "Give the product a name.";
  const slug = v.slug.trim() || slugify(name);
  if (!/^[a-z0-9]+(?:-[a-z0-9]+)*$/.test(slug)) errors.slug = "Lower-case letters and digits joined by -.";
  const category = v.category.trim();
  if (!category) errors.category = "Pick a category.";
  const priceMinor = parsePrice(v.price);
  if (priceMinor === null) errors.price = "Enter a price like 49.99.";
  const currency = v.currency.trim().toUpperCase();
  if (!/^[A-Z]{3}$/.test(currency)) errors.currency = "A three-letter code like USD.";
  const stock = int(v.stock, 0, 10_000_000);
  if (stock === null) errors.stock = "A whole number of units (0 or more).";
  const capacity = int(v.capacity, 1, 100_000);
  if (capacity === null) errors.capacity = "How many shoppers may check out at once (at least 1).";
  const ttl = int(v.checkoutTtlSec, 30, 3600);
  if (ttl === null) errors.checkoutTtlSec = "Between 30 and 3600 seconds.";
  const starts = fromLocalInput(v.saleStartsAt);
  if (!starts) errors.saleStartsAt = "When does the sale start?";
  const ends = fromLocalInput(v.saleEndsAt);
  if (v.saleEndsAt && !ends) errors.saleEndsAt = "Not a valid date.";
  else if (starts && ends && ends.getTime() <= starts.getTime()) errors.saleEndsAt = "The sale must end after it starts.";
  const imageUrl = v.imageUrl.trim() || `/img/p/${slug}.svg`;
  if (!(imageUrl.startsWith("/") || /^https?:\/\//.test(imageUrl))) errors.imageUrl = "A path or an http(s) URL.";
  if (Object.keys(errors).length > 0) return { ok: false, errors };
  return {
    ok: true,
    input: {
      name,
      slug,
      description: v.description.trim(),
      category,
      imageUrl,
      priceMinor: priceMinor!,
      currency,
      stock: stock!,
      capacity: capacity!,
      checkoutTtlSec: ttl!,
      saleStartsAt: starts!.toISOString(),
      saleEndsAt: ends ? ends.toISOString() : null,
    },
  };
}

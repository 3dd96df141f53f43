import { describe, expect, it } from "vitest";
import { type ProductFormValues, parsePrice, slugify, toLocalInput, validateProduct } from "./product-form";

const base: ProductFormValues = {
  name: "Aurora Headphones",
  slug: "",
  description: "Nice.",
  category: "Electronics",
  imageUrl: "",
  price: "249.00",
  currency: "usd",
  stock: "10",
  capacity: "2",
  checkoutTtlSec: "120",
  saleStartsAt: "2026-11-25T18:30",
  saleEndsAt: "",
};

describe("product form", () => {
  it("parses prices to minor units", () => {
    expect(parsePrice("249")).toBe(24900);
    expect(parsePrice("49.9")).toBe(4990);
    expect(parsePrice("0,05")).toBe(5);
    expect(parsePrice("1.234")).toBeNull();
    expect(parsePrice("-1")).toBeNull();
  });
  it("slugifies names", () => {
    expect(slugify("Tides of Iron: Signed First Edition")).toBe("tides-of-iron-signed-first-edition");
  });
  it("builds the API input with defaults", () => {
    const r = validateProduct(base);
    expect(r.ok).toBe(true);
    if (r.ok) {
      expect(r.input.slug).toBe("aurora-headphones");
      expect(r.input.imageUrl).toBe("/img/p/aurora-headphones.svg");
      expect(r.input.currency).toBe("USD");
      expect(r.input.priceMinor).toBe(24900);
      expect(r.input.saleEndsAt).toBeNull();
      expect(new Date(r.input.saleStartsAt).getTime()).toBe(new Date("2026-11-25T18:30").getTime());
    }
  });
  it("reports bad fields", () => {
    const r = validateProduct({ ...base, name: "", price: "x", stock: "-1", capacity: "0", checkoutTtlSec: "5", saleEndsAt: "2026-11-25T18:00" });
    expect(r.ok).toBe(false);
    if (!r.ok) expect(Object.keys(r.errors).sort()).toEqual(["capacity", "checkoutTtlSec", "name", "price", "saleEndsAt", "slug", "stock"]);
  });
  it("round-trips datetime-local values", () => {
    const ms = Date.UTC(2026, 10, 25, 17, 30);
    expect(toLocalInput(ms, 0)).toBe("2026-11-25T17:30");
    expect(toLocalInput(ms, -60)).toBe("2026-11-25T18:30");
  });
});

import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createDb, type DbHandle } from "../src/client.js";
import { productPage } from "../src/queries.js";
import { type NewProduct, product } from "../src/schema.js";
import { testUrl } from "./db-url.js";

let h: DbHandle;
// A category of our own, so rows left by other files in this database do not matter.
const category = `page-${randomUUID().slice(0, 8)}`;

function rows(n: number, tag: string): NewProduct[] {
  return Array.from({ length: n }, (_, i) => {
    const slug = `${category}-${tag}-${i}`;
    return {
      slug,
      name: `Item ${tag} ${i}`,
      description: "",
      category,
      imageUrl: `/img/p/${slug}.svg`,
      priceMinor: 100 + i,
      stock: 5,
      initialStock: 5,
      saleStartsAt: new Date(),
      capacity: 20,
      checkoutTtlSec: 120,
    };
  });
}

beforeAll(async () => {
  h = createDb(testUrl());
  await h.db.insert(product).values(rows(25, "a"));
});
afterAll(() => h.close());

describe("cursor pagination by id", () => {
  it("never repeats or skips rows when rows are inserted between pages", async () => {
    const seen: number[] = [];
    let cursor: number | null = null;
    let pages = 0;
    do {
      const page = await productPage(h.db, { cursor, limit: 10, category });
      seen.push(...page.items.map((p) => p.id));
      cursor = page.nextCursor;
      pages++;
      // New products arrive while the shopper is scrolling.
      if (pages === 1) await h.db.insert(product).values(rows(4, "b"));
      if (pages === 2) await h.db.insert(product).values(rows(3, "c"));
    } while (cursor !== null && pages < 20);

    expect(new Set(seen).size).toBe(seen.length);
    expect([...seen].sort((a, b) => a - b)).toEqual(seen);
    const all = await h.db.select({ id: product.id, category: product.category }).from(product);
    const mine = all.filter((p) => p.category === category).map((p) => p.id).sort((a, b) => a - b);
    expect(mine).toHaveLength(32);
    expect(seen).toEqual(mine);
  });

  it("gives the same page for the same cursor, before and after inserts", async () => {
    const first = await productPage(h.db, { limit: 5, category });
    const second = await productPage(h.db, { cursor: first.nextCursor, limit: 5, category });
    await h.db.insert(product).values(rows(2, "d"));
    const again = await productPage(h.db, { cursor: first.nextCursor, limit: 5, category });
    expect(again.items.map((p) => p.id)).toEqual(second.items.map((p) => p.id));
  });

  it("returns no next cursor on the last page", async () => {
    const page = await productPage(h.db, { limit: 1000, category });
    expect(page.nextCursor).toBeNull();
    const empty = await productPage(h.db, { cursor: page.items.at(-1)?.id ?? 0, limit: 10, category });
    expect(empty).toEqual({ items: [], nextCursor: null });
  });
});

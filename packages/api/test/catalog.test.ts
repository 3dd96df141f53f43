import { product } from "@quickdeal/db";
import { eq, sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Api, client, guest, insertProduct, rejects, startApi, until } from "./harness.js";

let api: Api;
beforeAll(async () => {
  api = await startApi("catalog", { worker: true });
});
afterAll(() => api?.close());

describe("catalog over HTTP", () => {
  it("pages by cursor in a stable order, without repeats or skips when rows are inserted meanwhile", async () => {
    const category = `Cat${Date.now()}`;
    const ids: number[] = [];
    for (let i = 0; i < 7; i++) ids.push(await insertProduct(api.services, { category }));
    const c = client(api);
    const seen: number[] = [];
    let cursor: number | null = null;
    let pages = 0;
    do {
      const page: Awaited<ReturnType<typeof c.catalog.list.query>> = await c.catalog.list.query({ cursor, limit: 3, category });
      seen.push(...page.items.map((p) => p.id));
      cursor = page.nextCursor;
      // A product added mid-walk lands after the cursor: it shows up once, at the end.
      if (pages === 0) ids.push(await insertProduct(api.services, { category }));
      pages++;
    } while (cursor !== null);
    expect(seen).toEqual(ids);
    expect(new Set(seen).size).toBe(seen.length);

    const all = await c.catalog.list.query();
    expect(all.items.length).toBeGreaterThan(0);
    expect(await c.catalog.categories.query()).toContain(category);
  });

  it("reads one product by id or slug, with sale state", async () => {
    const c = client(api);
    const upcoming = await insertProduct(api.services, { saleStartsAt: new Date(Date.now() + 3600_000) });
    const ended = await insertProduct(api.services, { saleStartsAt: new Date(Date.now() - 7200_000), saleEndsAt: new Date(Date.now() - 60_000) });
    const soldOut = await insertProduct(api.services, { stock: 0, initialStock: 3 });
    const onSale = await insertProduct(api.services, { stock: 3 });
    expect((await c.catalog.byId.query({ id: upcoming })).saleState).toBe("upcoming");
    expect((await c.catalog.byId.query({ id: ended })).saleState).toBe("ended");
    expect((await c.catalog.byId.query({ id: soldOut })).saleState).toBe("sold_out");
    const card = await c.catalog.byId.query({ id: onSale });
    expect(card).toMatchObject({ saleState: "on_sale", stockLeft: 3, initialStock: 3, sold: 0 });
    expect(typeof card.saleStartsAt).toBe("string");
    expect((await c.catalog.bySlug.query({ slug: card.slug })).id).toBe(onSale);
    await rejects(c.catalog.byId.query({ id: 999_999_999 }), "NOT_FOUND");
    await rejects(c.catalog.bySlug.query({ slug: "no-such-product" }), "NOT_FOUND");
  });

  it("shows live stock from the room snapshots, not from MySQL", async () => {
    const productId = await insertProduct(api.services, { stock: 5, capacity: 2 });
    const g = await guest(api);
    const t = await g.client.queue.join.mutate({ productId });
    await until(async () => (await g.client.queue.status.query({ ticket: t.ticket })).state === "ADMITTED", 20_000, "admitted");
    const c = client(api);
    const card = await until(async () => {
      const x = await c.catalog.byId.query({ id: productId });
      return x.inCheckout === 1 ? x : null;
    }, 10_000, "snapshot in catalog");
    expect(card.stockLeft).toBe(4);
    // MySQL changing behind the room's back does not change what the catalog shows: it never reads stock there.
    await api.services.db.update(product).set({ stock: sql`${product.stock} - 2` }).where(eq(product.id, productId));
    api.services.products.invalidate();
    expect((await c.catalog.byId.query({ id: productId })).stockLeft).toBe(4);
    await g.client.queue.leave.mutate({ ticket: t.ticket });
  });

  it("rejects invalid input with BAD_REQUEST", async () => {
    const c = client(api);
    await rejects(c.catalog.list.query({ limit: 0 }), "BAD_REQUEST");
    await rejects(c.catalog.list.query({ limit: 1000 }), "BAD_REQUEST");
    await rejects(c.catalog.list.query({ cursor: -3 }), "BAD_REQUEST");
    await rejects(c.catalog.list.query({ category: "x".repeat(100) }), "BAD_REQUEST");
    await rejects(c.catalog.byId.query({ id: 0 }), "BAD_REQUEST");
    await rejects(c.catalog.bySlug.query({ slug: "Not a slug!" }), "BAD_REQUEST");
    // @ts-expect-error: missing id on purpose
    await rejects(c.catalog.byId.query({}), "BAD_REQUEST");
  });
});

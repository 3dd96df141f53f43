import { count, eq, sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { demoCatalog, type SaleState, saleStateAt } from "../src/catalog.js";
import { createDb, type DbHandle } from "../src/client.js";
import { verifyPassword } from "../src/password.js";
import { product, user } from "../src/schema.js";
import { seed } from "../src/seed.js";
import { testUrl } from "./db-url.js";

let h: DbHandle;
const now = new Date("2026-11-25T18:00:00.123Z");
const opts = { adminEmail: "admin@seed.test", adminPassword: "correct horse battery", now };

beforeAll(async () => {
  h = createDb(testUrl());
  // Seeding only fills an empty catalog, so start from one.
  await h.db.execute(sql`DELETE FROM \`order\``);
  await h.db.delete(product);
  await h.db.delete(user);
});
afterAll(() => h.close());

describe("seed", () => {
  it("loads at least 40 products across at least 6 categories, and the admin", async () => {
    const r = await seed(h.db, opts);
    expect(r.adminCreated).toBe(true);
    expect(r.productsInserted).toBeGreaterThanOrEqual(40);

    const rows = await h.db.select().from(product);
    expect(rows).toHaveLength(r.productsInserted);
    expect(new Set(rows.map((p) => p.category)).size).toBeGreaterThanOrEqual(6);
    for (const p of rows) {
      expect(p.imageUrl).toBe(`/img/p/${p.slug}.svg`);
      expect(p.slug).toMatch(/^[a-z0-9]+(-[a-z0-9]+)*$/);
      expect(p.currency).toBe("USD");
      expect(p.priceMinor).toBeGreaterThan(0);
      expect(p.stock).toBeGreaterThanOrEqual(0);
      expect(p.stock).toBeLessThanOrEqual(p.initialStock);
      expect(p.capacity).toBeGreaterThanOrEqual(20);
      expect(p.capacity).toBeLessThanOrEqual(200);
      expect(p.checkoutTtlSec).toBeGreaterThanOrEqual(120);
      expect(p.checkoutTtlSec).toBeLessThanOrEqual(300);
      expect(p.description.length).toBeGreaterThan(20);
    }

    const [admin] = await h.db.select().from(user).where(eq(user.email, opts.adminEmail));
    expect(admin?.role).toBe("admin");
    expect(admin?.passwordHash).toMatch(/^scrypt\$/);
    expect(await verifyPassword(opts.adminPassword, admin?.passwordHash ?? "")).toBe(true);
    expect(await verifyPassword("wrong", admin?.passwordHash ?? "")).toBe(false);
  });

  it("produces every sale state around `now`", async () => {
    const rows = await h.db.select().from(product);
    const by = new Map<SaleState, typeof rows>();
    for (const p of rows) {
      const s = saleStateAt(p, now);
      by.set(s, [...(by.get(s) ?? []), p]);
    }
    for (const s of ["on_sale", "upcoming", "sold_out", "ended"] as const) {
      expect(by.get(s)?.length ?? 0, s).toBeGreaterThanOrEqual(3);
    }
    expect(by.get("on_sale")?.length ?? 0).toBeGreaterThanOrEqual(15);
    expect(by.get("sold_out")?.every((p) => p.stock === 0)).toBe(true);
    const startsIn = (by.get("upcoming") ?? []).map((p) => p.saleStartsAt.getTime() - now.getTime());
    expect(startsIn.some((ms) => ms <= 30 * 60_000), "some start within minutes").toBe(true);
    expect(startsIn.some((ms) => ms >= 60 * 60_000), "some start in hours").toBe(true);
  });

  it("stores sale times exactly (UTC, millisecond precision)", async () => {
    const expected = demoCatalog(now);
    const rows = await h.db.select().from(product);
    for (const e of expected) {
      const got = rows.find((p) => p.slug === e.slug);
      expect(got?.saleStartsAt.toISOString()).toBe(e.saleStartsAt?.toISOString());
      expect(got?.saleEndsAt?.toISOString() ?? null).toBe(e.saleEndsAt?.toISOString() ?? null);
    }
  });

  it("is idempotent", async () => {
    const [before] = await h.db.select({ n: count() }).from(product);
    const again = await seed(h.db, { ...opts, now: new Date() });
    expect(again).toEqual({ productsInserted: 0, adminCreated: false });
    const [after] = await h.db.select({ n: count() }).from(product);
    expect(after?.n).toBe(before?.n);
    const admins = await h.db.select().from(user).where(eq(user.email, opts.adminEmail));
    expect(admins).toHaveLength(1);
  });

  it("two seeders racing on an empty database still load one catalog", async () => {
    await h.db.delete(product);
    await h.db.delete(user);
    const [a, b] = await Promise.all([seed(h.db, opts), seed(h.db, opts)]);
    expect([a.adminCreated, b.adminCreated].filter(Boolean)).toHaveLength(1);
    const [n] = await h.db.select({ n: count() }).from(product);
    expect(n?.n).toBe(demoCatalog(now).length);
  });
});

import { randomUUID } from "node:crypto";
import { eq } from "drizzle-orm";
import type { ResultSetHeader } from "mysql2";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createDb, type DbHandle } from "../src/client.js";
import { isCheckViolation, isDuplicateKey, mysqlErrno } from "../src/errors.js";
import { type NewOrder, type NewProduct, order, product } from "../src/schema.js";
import { testUrl } from "./db-url.js";

let h: DbHandle;

function aProduct(over: Partial<NewProduct> = {}): NewProduct {
  const slug = `c-${randomUUID()}`;
  return {
    slug,
    name: "Constraint probe",
    description: "",
    category: "test-constraints",
    imageUrl: `/img/p/${slug}.svg`,
    priceMinor: 1000,
    stock: 3,
    initialStock: 3,
    saleStartsAt: new Date(),
    capacity: 10,
    checkoutTtlSec: 120,
    ...over,
  };
}

async function insertProduct(over: Partial<NewProduct> = {}): Promise<number> {
  const [res] = await h.db.insert(product).values(aProduct(over));
  return res.insertId;
}

function anOrder(productId: number, over: Partial<NewOrder> = {}): NewOrder {
  return {
    userId: randomUUID(),
    productId,
    ticketId: `${productId}:${Math.floor(Math.random() * 1e9)}`,
    amountMinor: 1000,
    currency: "USD",
    channel: "web",
    ...over,
  };
}

async function rejection(p: Promise<unknown>): Promise<unknown> {
  try {
    await p;
  } catch (err) {
    return err;
  }
  throw new Error("expected the statement to be rejected");
}

beforeAll(() => {
  h = createDb(testUrl(), { connectionLimit: 10 });
});
afterAll(() => h.close());

describe("stock CHECK", () => {
  it("rejects a negative stock, matched by isCheckViolation (raw and through drizzle)", async () => {
    const id = await insertProduct();
    const raw = await rejection(h.pool.query("UPDATE product SET stock = -1 WHERE id = ?", [id]));
    expect(isCheckViolation(raw)).toBe(true);
    expect(isDuplicateKey(raw)).toBe(false);
    expect([4025, 3819]).toContain(mysqlErrno(raw));

    const wrapped = await rejection(h.db.update(product).set({ stock: -5 }).where(eq(product.id, id)));
    expect(isCheckViolation(wrapped)).toBe(true);

    const [row] = await h.db.select({ stock: product.stock }).from(product).where(eq(product.id, id));
    expect(row?.stock).toBe(3);
  });

  it("rejects a zero capacity, a zero TTL and a negative price", async () => {
    for (const over of [{ capacity: 0 }, { checkoutTtlSec: 0 }, { priceMinor: -1 }, { stock: -1 }]) {
      expect(isCheckViolation(await rejection(insertProduct(over)))).toBe(true);
    }
  });

  it("the guarded decrement stops at zero", async () => {
    const id = await insertProduct({ stock: 3, initialStock: 3 });
    const affected: number[] = [];
    for (let i = 0; i < 5; i++) {
      const [r] = await h.pool.query<ResultSetHeader>(
        "UPDATE product SET stock = stock - 1 WHERE id = ? AND stock > 0",
        [id],
      );
      affected.push(r.affectedRows);
    }
    expect(affected).toEqual([1, 1, 1, 0, 0]);
    const [row] = await h.db.select({ stock: product.stock }).from(product).where(eq(product.id, id));
    expect(row?.stock).toBe(0);
  });

  it("concurrent guarded decrements sell exactly the stock", async () => {
    const id = await insertProduct({ stock: 7, initialStock: 7 });
    const results = await Promise.all(
      Array.from({ length: 40 }, () =>
        h.pool.query<ResultSetHeader>("UPDATE product SET stock = stock - 1 WHERE id = ? AND stock > 0", [id]),
      ),
    );
    expect(results.reduce((n, [r]) => n + r.affectedRows, 0)).toBe(7);
    const [row] = await h.db.select({ stock: product.stock }).from(product).where(eq(product.id, id));
    expect(row?.stock).toBe(0);
  });
});

describe("order uniqueness", () => {
  it("rejects a second order for the same ticket", async () => {
    const pid = await insertProduct();
    const first = anOrder(pid);
    await h.db.insert(order).values(first);
    const err = await rejection(h.db.insert(order).values(anOrder(pid, { ticketId: first.ticketId })));
    expect(isDuplicateKey(err)).toBe(true);
    expect(isCheckViolation(err)).toBe(false);
  });

  it("rejects a second order by the same user for the same product", async () => {
    const pid = await insertProduct();
    const userId = randomUUID();
    await h.db.insert(order).values(anOrder(pid, { userId }));
    const err = await rejection(h.db.insert(order).values(anOrder(pid, { userId })));
    expect(isDuplicateKey(err)).toBe(true);
    // The same user may still buy another product.
    const other = await insertProduct();
    await h.db.insert(order).values(anOrder(other, { userId }));
  });

  it("rejects a reused idempotency key, while many orders may have none", async () => {
    const pid = await insertProduct();
    const key = randomUUID();
    await h.db.insert(order).values(anOrder(pid, { idempotencyKey: key }));
    const err = await rejection(h.db.insert(order).values(anOrder(pid, { idempotencyKey: key })));
    expect(isDuplicateKey(err)).toBe(true);
    await h.db.insert(order).values([anOrder(pid), anOrder(pid), anOrder(pid)]);
  });

  it("refuses an order for a product that does not exist", async () => {
    const err = await rejection(h.db.insert(order).values(anOrder(2 ** 40)));
    expect(mysqlErrno(err)).toBe(1452);
  });

  it("stamps created_at and updated_at in UTC, and bumps updated_at on update", async () => {
    const pid = await insertProduct();
    const before = Date.now();
    const [res] = await h.db.insert(order).values(anOrder(pid));
    const [row] = await h.db.select().from(order).where(eq(order.id, res.insertId));
    expect(row?.status).toBe("PENDING");
    expect(Math.abs((row?.createdAt.getTime() ?? 0) - before)).toBeLessThan(5_000);
    await new Promise((r) => setTimeout(r, 20));
    await h.db.update(order).set({ status: "PAID", paymentRef: "ch_1" }).where(eq(order.id, res.insertId));
    const [paid] = await h.db.select().from(order).where(eq(order.id, res.insertId));
    expect(paid?.updatedAt.getTime()).toBeGreaterThan(row?.updatedAt.getTime() ?? 0);
  });
});

describe("error matchers", () => {
  it("know MySQL 8's errno too, and ignore non-database errors", () => {
    expect(isCheckViolation({ errno: 3819 })).toBe(true);
    expect(isCheckViolation(new Error("x", { cause: { errno: 4025 } }))).toBe(true);
    expect(isDuplicateKey({ errno: 1062 })).toBe(true);
    expect(isDuplicateKey(new Error("Duplicate"))).toBe(false);
    expect(isCheckViolation(null)).toBe(false);
    expect(isDuplicateKey("1062")).toBe(false);
  });
});

import { randomUUID } from "node:crypto";
import { createDb, isDuplicateKey, order, product } from "@quickdeal/db";
import { eq } from "drizzle-orm";
import { afterAll, describe, expect, it } from "vitest";
import { type NewOrder, OrderWriter, SoldOutError } from "../src/payment/order-writer.js";
import { TEST_DB_URL } from "./env.js";

/** The grouped stock transactions against the real MariaDB. */
const handle = createDb(TEST_DB_URL);
afterAll(() => handle.close());

async function newProduct(stock: number): Promise<number> {
  const slug = `w-${randomUUID().slice(0, 12)}`;
  const [row] = await handle.db
    .insert(product)
    .values({
      slug,
      name: slug,
      description: "order writer test",
      category: "Test",
      imageUrl: `/img/p/${slug}.svg`,
      priceMinor: 500,
      stock,
      initialStock: stock,
      saleStartsAt: new Date(),
      capacity: 10,
      checkoutTtlSec: 120,
    })
    .$returningId();
  if (!row) throw new Error("insert failed");
  return row.id;
}

function orderFor(productId: number, userId = randomUUID()): NewOrder {
  return {
    userId,
    productId,
    ticketId: `${productId}:${randomUUID().slice(0, 8)}`,
    amountMinor: 500,
    currency: "USD",
    idempotencyKey: randomUUID(),
    channel: "web",
    kioskId: null,
    createdAt: new Date(),
  };
}

const stockOf = async (id: number) => (await handle.db.select({ stock: product.stock }).from(product).where(eq(product.id, id)))[0]?.stock;
const rowsOf = (id: number) => handle.db.select().from(order).where(eq(order.productId, id));

describe("OrderWriter", () => {
  it("puts concurrent orders of one product in one transaction, each with its own order id", async () => {
    const w = new OrderWriter(handle.pool);
    const productId = await newProduct(10);
    const orders = Array.from({ length: 10 }, () => orderFor(productId));
    const ids = await Promise.all(orders.map((o) => w.place(o)));
    expect(w.transactions).toBe(1);
    expect(w.placed).toBe(10);
    expect(new Set(ids).size).toBe(10);
    const rows = await rowsOf(productId);
    for (const [k, o] of orders.entries()) {
      const row = rows.find((r) => r.id === ids[k]);
      expect(row).toMatchObject({ ticketId: o.ticketId, userId: o.userId, status: "PENDING", amountMinor: 500 });
      expect(row?.createdAt.getTime()).toBe(o.createdAt.getTime());
    }
    expect(await stockOf(productId)).toBe(0);
  });

  it("retries a failed group one by one: each order gets its own outcome, no unit is lost or oversold", async () => {
    const w = new OrderWriter(handle.pool);
    const productId = await newProduct(4);
    const twice = randomUUID();
    // The group needs 6 units where 4 are left, and c2 repeats c's shopper.
    const [a, b, c, c2, d, e] = [
      orderFor(productId),
      orderFor(productId),
      orderFor(productId, twice),
      orderFor(productId, twice),
      orderFor(productId),
      orderFor(productId),
    ] as NewOrder[];
    const results = await Promise.allSettled([a, b, c, c2, d, e].map((o) => w.place(o as NewOrder)));
    expect(results.map((r) => r.status)).toEqual(["fulfilled", "fulfilled", "fulfilled", "rejected", "fulfilled", "rejected"]);
    expect(w.transactions).toBe(7);
    expect(isDuplicateKey((results[3] as PromiseRejectedResult).reason)).toBe(true);
    expect((results[5] as PromiseRejectedResult).reason).toBeInstanceOf(SoldOutError);
    const rows = await rowsOf(productId);
    expect(rows.map((r) => r.ticketId).sort()).toEqual([a, b, c, d].map((o) => o?.ticketId).sort());
    expect(await stockOf(productId)).toBe(0);
  });

  it("marks orders paid together, and tells each caller whether its own order was still pending", async () => {
    const w = new OrderWriter(handle.pool);
    const productId = await newProduct(3);
    const ids = await Promise.all([0, 1, 2].map(() => w.place(orderFor(productId))));
    await handle.db.delete(order).where(eq(order.id, ids[1] as number));
    const paid = await Promise.all(ids.map((id) => w.markPaid(id, `ref-${id}`)));
    expect(paid).toEqual([true, false, true]);
    const rows = await rowsOf(productId);
    expect(rows.map((r) => [r.id, r.status, r.paymentRef])).toEqual(
      [ids[0], ids[2]].map((id) => [id, "PAID", `ref-${id}`]),
    );
    // Paying twice records nothing new.
    expect(await w.markPaid(ids[0] as number, "other")).toBe(false);
  });
});

import { order } from "@quickdeal/db";
import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { TEST_CARDS } from "../src/payment/gateway.js";
import { type Api, CARD, type Client, guest, insertProduct, rejects, startApi, stockOf, until } from "./harness.js";

let api: Api;
beforeAll(async () => {
  api = await startApi("checkout", { worker: true });
});
afterAll(() => api?.close());

async function admitted(productId: number) {
  const g = await guest(api);
  const t = await g.client.queue.join.mutate({ productId });
  await until(async () => (await g.client.queue.status.query({ ticket: t.ticket })).state === "ADMITTED", 20_000, "admission");
  return { ...g, ticket: t.ticket };
}

const key = () => `k-${Math.random().toString(36).slice(2, 14)}`;

async function ordersFor(productId: number) {
  return api.services.db.select().from(order).where(eq(order.productId, productId));
}

async function roomOf(productId: number) {
  return api.services.queue.rooms.refresh(productId);
}

function card(number: string) {
  return { ...CARD, number };
}

describe("payment.checkout over HTTP", () => {
  it("full purchase: guest → join → admitted → pay → order, stock −1, slot freed", async () => {
    const productId = await insertProduct(api.services, { stock: 3, capacity: 1, priceMinor: 4999 });
    const s = await admitted(productId);
    expect((await roomOf(productId))?.admitted).toBe(1);

    const o = await s.client.payment.checkout.mutate({ ticket: s.ticket, card: CARD, idempotencyKey: key() });
    expect(o).toMatchObject({ productId, status: "PAID", amountMinor: 4999, currency: "USD", channel: "web" });
    expect(o.paymentRef).toMatch(/^fake_/);
    expect(await stockOf(api.services, productId)).toBe(2);
    const room = await roomOf(productId);
    expect(room?.admitted).toBe(0);
    expect(room?.sold).toBe(1);
    const status = await s.client.queue.status.query({ ticket: s.ticket });
    expect(status.state).toBe("PURCHASED");
    expect(status.orderId).toBe(o.id);

    const mine = await s.client.orders.mine.query();
    expect(mine.items.map((x) => x.id)).toEqual([o.id]);
    expect((await s.client.orders.byId.query({ id: o.id })).status).toBe("PAID");
    expect(api.gateway.captured().filter((c) => c.idempotencyKey === `qd-order-${o.id}`)).toHaveLength(1);
  });

  it("a repeated submit (same key, or same ticket) returns the same order", async () => {
    const productId = await insertProduct(api.services, { stock: 3, capacity: 1 });
    const s = await admitted(productId);
    const k = key();
    const first = await s.client.payment.checkout.mutate({ ticket: s.ticket, card: CARD, idempotencyKey: k });
    const again = await s.client.payment.checkout.mutate({ ticket: s.ticket, card: CARD, idempotencyKey: k });
    const otherKey = await s.client.payment.checkout.mutate({ ticket: s.ticket, card: CARD, idempotencyKey: key() });
    expect(again.id).toBe(first.id);
    expect(otherKey.id).toBe(first.id);
    expect(await ordersFor(productId)).toHaveLength(1);
    expect(await stockOf(api.services, productId)).toBe(2);
  });

  it("declined card: no order, stock unchanged, ticket still admitted; a retry succeeds", async () => {
    const productId = await insertProduct(api.services, { stock: 3, capacity: 1 });
    const s = await admitted(productId);
    const e = await rejects(
      s.client.payment.checkout.mutate({ ticket: s.ticket, card: card(TEST_CARDS.decline), idempotencyKey: key() }),
      "PAYMENT_REQUIRED",
    );
    expect(e.message).toMatch(/declined/);
    expect(e.data?.reason).toBe("CARD_DECLINED");
    expect(await ordersFor(productId)).toHaveLength(0);
    expect(await stockOf(api.services, productId)).toBe(3);
    expect((await s.client.queue.status.query({ ticket: s.ticket })).state).toBe("ADMITTED");
    expect((await roomOf(productId))?.admitted).toBe(1);

    const o = await s.client.payment.checkout.mutate({ ticket: s.ticket, card: CARD, idempotencyKey: key() });
    expect(o.status).toBe("PAID");
    expect(await stockOf(api.services, productId)).toBe(2);
    expect(await ordersFor(productId)).toHaveLength(1);
  });

  it("processor error: the possible charge is voided, no order, stock restored, retry works", async () => {
    const productId = await insertProduct(api.services, { stock: 3, capacity: 1 });
    const s = await admitted(productId);
    const e = await rejects(
      s.client.payment.checkout.mutate({ ticket: s.ticket, card: card(TEST_CARDS.processorError), idempotencyKey: key() }),
      "BAD_GATEWAY",
    );
    expect(e.message).toMatch(/not been charged/);
    expect(await ordersFor(productId)).toHaveLength(0);
    expect(await stockOf(api.services, productId)).toBe(3);
    // The gateway captured before failing; checkout voided it: no money without an order.
    const voided = [...api.gateway.ledger.values()].filter((c) => c.status === "voided");
    expect(voided.length).toBeGreaterThan(0);
    for (const c of api.gateway.captured()) {
      const id = Number(c.idempotencyKey.replace("qd-order-", ""));
      const [row] = await api.services.db.select().from(order).where(eq(order.id, id));
      expect(row?.status, `charge ${c.idempotencyKey} has a paid order`).toBe("PAID");
    }
    expect((await s.client.queue.status.query({ ticket: s.ticket })).state).toBe("ADMITTED");
    const o = await s.client.payment.checkout.mutate({ ticket: s.ticket, card: CARD, idempotencyKey: key() });
    expect(o.status).toBe("PAID");
  });

  it("a failed order write after the charge voids the charge and leaves no order", async () => {
    const productId = await insertProduct(api.services, { stock: 3, capacity: 1 });
    const s = await admitted(productId);
    const gw = api.gateway;
    const charge = gw.charge.bind(gw);
    // The order row disappears while the card is charged (a failover, an operator's mistake):
    // marking it PAID then fails.
    gw.charge = async (req) => {
      const r = await charge(req);
      await api.services.db.delete(order).where(eq(order.productId, productId));
      return r;
    };
    try {
      const e = await rejects(s.client.payment.checkout.mutate({ ticket: s.ticket, card: CARD, idempotencyKey: key() }), "SERVICE_UNAVAILABLE");
      expect(e.data?.reason).toBe("ORDER_NOT_RECORDED");
    } finally {
      gw.charge = charge;
    }
    const voided = [...gw.ledger.values()].filter((c) => c.status === "voided" && c.amountMinor === 1234);
    expect(voided.length).toBeGreaterThan(0);
    expect(await ordersFor(productId)).toHaveLength(0);
    expect((await s.client.queue.status.query({ ticket: s.ticket })).state).toBe("ADMITTED");
    await s.client.queue.leave.mutate({ ticket: s.ticket });
  });

  it("parallel double submit → exactly one order and one charge", async () => {
    const productId = await insertProduct(api.services, { stock: 3, capacity: 1 });
    const s = await admitted(productId);
    const submits = Array.from({ length: 5 }, (_, i) =>
      s.client.payment.checkout.mutate({ ticket: s.ticket, card: card(TEST_CARDS.slow), idempotencyKey: i % 2 ? key() : "same-key-123" }),
    );
    const results = await Promise.allSettled(submits);
    const ok = results.filter((r) => r.status === "fulfilled").map((r) => (r as PromiseFulfilledResult<{ id: number }>).value.id);
    // The later submits wait for the first one and answer with its order.
    expect(ok).toHaveLength(5);
    expect(new Set(ok).size).toBe(1);
    expect(await ordersFor(productId)).toHaveLength(1);
    expect(await stockOf(api.services, productId)).toBe(2);
    const orderId = ok[0];
    expect(api.gateway.captured().filter((c) => c.idempotencyKey === `qd-order-${orderId}`)).toHaveLength(1);
  });

  it("many shoppers paying for the same product at once all get their order (no lock deadlock)", async () => {
    const n = 8;
    const productId = await insertProduct(api.services, { stock: n, initialStock: n, capacity: n });
    const shoppers = await Promise.all(Array.from({ length: n }, () => admitted(productId)));
    const orders = await Promise.all(
      shoppers.map((s) => s.client.payment.checkout.mutate({ ticket: s.ticket, card: CARD, idempotencyKey: key() })),
    );
    expect(orders.every((o) => o.status === "PAID")).toBe(true);
    expect(await stockOf(api.services, productId)).toBe(0);
    expect(await ordersFor(productId)).toHaveLength(n);
  });

  it("a payment attempt id already used for another purchase → CONFLICT, nothing taken, the ticket stays admitted", async () => {
    const productId = await insertProduct(api.services, { stock: 3, capacity: 2 });
    const first = await admitted(productId);
    const second = await admitted(productId);
    const k = key();
    await first.client.payment.checkout.mutate({ ticket: first.ticket, card: CARD, idempotencyKey: k });
    const e = await rejects(second.client.payment.checkout.mutate({ ticket: second.ticket, card: CARD, idempotencyKey: k }), "CONFLICT");
    expect(e.data?.reason).toBe("IDEMPOTENCY_KEY_REUSED");
    expect(await stockOf(api.services, productId)).toBe(2);
    expect(await ordersFor(productId)).toHaveLength(1);
    expect((await second.client.queue.status.query({ ticket: second.ticket })).state).toBe("ADMITTED");
    const o = await second.client.payment.checkout.mutate({ ticket: second.ticket, card: CARD, idempotencyKey: key() });
    expect(o.status).toBe("PAID");
  });

  it("refuses another user's ticket and hides their orders", async () => {
    const productId = await insertProduct(api.services, { stock: 3, capacity: 1 });
    const owner = await admitted(productId);
    const other = await guest(api);
    await rejects(other.client.payment.checkout.mutate({ ticket: owner.ticket, card: CARD, idempotencyKey: key() }), "FORBIDDEN");
    expect(await ordersFor(productId)).toHaveLength(0);
    const o = await owner.client.payment.checkout.mutate({ ticket: owner.ticket, card: CARD, idempotencyKey: key() });
    await rejects(other.client.orders.byId.query({ id: o.id }), "NOT_FOUND");
    expect((await other.client.orders.mine.query()).items).toHaveLength(0);
  });

  it("refuses a ticket that is not admitted yet", async () => {
    const productId = await insertProduct(api.services, { stock: 3, capacity: 1 });
    const first = await admitted(productId);
    const waiting = await guest(api);
    const t = await waiting.client.queue.join.mutate({ productId });
    const e = await rejects(
      waiting.client.payment.checkout.mutate({ ticket: t.ticket, card: CARD, idempotencyKey: key() }),
      "PRECONDITION_FAILED",
    );
    expect(e.data?.reason).toBe("NOT_ADMITTED");
    expect(await stockOf(api.services, productId)).toBe(3);
    await first.client.queue.leave.mutate({ ticket: first.ticket });
    await waiting.client.queue.leave.mutate({ ticket: t.ticket });
  });

  it("invalid input → BAD_REQUEST with a message and no state change", async () => {
    const productId = await insertProduct(api.services, { stock: 3, capacity: 1 });
    const s = await admitted(productId);
    const c: Client = s.client;
    const bad = [
      { ticket: s.ticket, card: { ...CARD, number: "4242 4242 4242 4241" }, idempotencyKey: key() },
      { ticket: s.ticket, card: { ...CARD, number: "abc" }, idempotencyKey: key() },
      { ticket: s.ticket, card: { ...CARD, expMonth: 13 }, idempotencyKey: key() },
      { ticket: s.ticket, card: { ...CARD, expYear: 2001 }, idempotencyKey: key() },
      { ticket: s.ticket, card: { ...CARD, cvc: "12" }, idempotencyKey: key() },
      { ticket: s.ticket, card: { ...CARD, name: "" }, idempotencyKey: key() },
      { ticket: s.ticket, card: CARD, idempotencyKey: "short" },
      { ticket: s.ticket, card: CARD, idempotencyKey: "bad key with spaces" },
      { ticket: "", card: CARD, idempotencyKey: key() },
    ];
    for (const input of bad) {
      const e = await rejects(c.payment.checkout.mutate(input), "BAD_REQUEST");
      expect(e.message).toMatch(/^Invalid input: /);
    }
    const e = await rejects(c.payment.checkout.mutate({ ticket: s.ticket, card: { ...CARD, expYear: 2001 }, idempotencyKey: key() }), "BAD_REQUEST");
    expect(e.message).toMatch(/expired|year/);
    expect(await ordersFor(productId)).toHaveLength(0);
    expect(await stockOf(api.services, productId)).toBe(3);
    expect((await c.queue.status.query({ ticket: s.ticket })).state).toBe("ADMITTED");
    await rejects(c.orders.byId.query({ id: 0 }), "BAD_REQUEST");
    // @ts-expect-error: wrong type on purpose
    await rejects(c.orders.mine.query({ limit: "ten" }), "BAD_REQUEST");
    await c.queue.leave.mutate({ ticket: s.ticket });
  });

  it("lists the test cards publicly", async () => {
    const s = await guest(api);
    const cards = await s.client.payment.testCards.query();
    expect(cards.map((c) => c.number)).toContain(TEST_CARDS.approve);
  });
});

import { setTimeout as sleep } from "node:timers/promises";
import { type Database, isCheckViolation, isDuplicateKey, order, product } from "@quickdeal/db";
import { type Queue, QueueError } from "@quickdeal/queue";
import { TRPCError } from "@trpc/server";
import { and, eq, sql } from "drizzle-orm";
import type { Logger } from "pino";
import type { Channel } from "../auth/session.js";
import type { ProductCache } from "../catalog/product-cache.js";
import { asTRPCError, fail } from "../errors.js";
import type { ApiMetrics } from "../metrics.js";
import { type CardInput, GatewayError, type PaymentGateway } from "./gateway.js";
import { type OrderWriter, SoldOutError } from "./order-writer.js";
import { type OrderView, orderById, orderForAttempt } from "./orders.js";

export interface CheckoutDeps {
  db: Database;
  /** Groups the process's stock transactions and paid marks (see order-writer.ts). */
  orders: OrderWriter;
  /** Price and names of the product (cached per process). */
  products: ProductCache;
  queue: Queue;
  gateway: PaymentGateway;
  log: Logger;
  metrics: ApiMetrics;
  /** How long a second submit waits for the first one's outcome. */
  waitForOtherMs: number;
}

export interface Buyer {
  userId: string;
  channel: Channel;
  kioskId: string | null;
}

export interface CheckoutInput {
  ticket: string;
  card: CardInput;
  idempotencyKey: string;
}

type Outcome = "paid" | "repeat" | "declined" | "processor_error" | "conflict" | "failed";

/**
 * The checkout of DESIGN.md: hold the slot (ADMITTED → PAYING) → short MySQL transaction
 * (guarded stock decrement + PENDING order) → charge → mark PAID → release the slot.
 * Every failure is compensated; a repeated or parallel submit yields the same single order.
 */
export async function checkout(deps: CheckoutDeps, buyer: Buyer, input: CheckoutInput): Promise<OrderView> {
  const started = performance.now();
  let outcome: Outcome = "failed";
  try {
    const result = await run(deps, buyer, input);
    outcome = result.outcome;
    return result.order;
  } catch (err) {
    if (err instanceof TRPCError) {
      const reason = (err.cause as { reason?: string } | undefined)?.reason;
      outcome = reason === "CARD_DECLINED" ? "declined" : reason === "PROCESSOR_ERROR" ? "processor_error" : err.code === "CONFLICT" ? "conflict" : "failed";
    }
    throw err;
  } finally {
    deps.metrics.checkouts.inc({ outcome });
    deps.metrics.checkoutSeconds.observe((performance.now() - started) / 1000);
  }
}

async function run(deps: CheckoutDeps, buyer: Buyer, input: CheckoutInput): Promise<{ order: OrderView; outcome: Outcome }> {
  const { db, queue, log } = deps;
  const ref = await call(() => Promise.resolve(queue.verify(input.ticket, buyer.userId)));
  const ticketId = `${ref.productId}:${ref.seq}`;

  // 1. Hold the slot: only one payment per ticket can be in flight. A repeated submit is told
  //    apart here, without a MySQL read on the way of every first submit: its ticket is PAYING
  //    (wait for the first one), PURCHASED (its order), or no longer admitted (look for its order).
  let begun: Awaited<ReturnType<Queue["checkout"]["begin"]>>;
  try {
    begun = await queue.checkout.begin(input.ticket, buyer.userId);
  } catch (err) {
    if (err instanceof QueueError && err.code === "ALREADY_PAYING") {
      return { order: await waitForOther(deps, input, buyer, ticketId), outcome: "repeat" };
    }
    // A lookup that fails must not hide why the ticket cannot pay.
    const earlier = await earlierAttempt(deps, buyer, input, ticketId).catch((e: unknown) => {
      if (e instanceof TRPCError) throw e;
      return null;
    });
    if (earlier) return earlier;
    throw asTRPCError(err);
  }
  if (begun.alreadyPurchased) {
    const o = begun.orderId !== null ? await orderById(db, begun.orderId) : null;
    if (o) return { order: o, outcome: "repeat" };
    throw fail("CONFLICT", "ALREADY_PURCHASED", "This ticket was already used for a purchase.");
  }

  // 2. Price and names from the process's product cache (admin edits clear it everywhere).
  const p = await deps.products.byId(ref.productId).catch(async (err: unknown) => {
    await abandon(deps, input, buyer);
    throw err;
  });
  if (!p) {
    await abandon(deps, input, buyer);
    throw fail("NOT_FOUND", "NOT_FOUND", "This product no longer exists.");
  }

  // 3. Short transaction, shared with the process's other checkouts of this product: take the
  //    unit (guarded stock decrement) and insert the PENDING order.
  const createdAt = new Date();
  let orderId: number;
  try {
    orderId = await deps.orders.place({
      userId: buyer.userId,
      productId: ref.productId,
      ticketId,
      amountMinor: p.priceMinor,
      currency: p.currency,
      idempotencyKey: input.idempotencyKey,
      channel: buyer.channel,
      kioskId: buyer.kioskId,
      createdAt,
    });
  } catch (err) {
    if (isDuplicateKey(err)) {
      // The ticket, the key or this shopper already has an order: say which.
      const earlier = await orderForAttempt(db, ticketId, input.idempotencyKey).catch(() => null);
      if (earlier?.status === "PAID" && earlier.userId === buyer.userId && earlier.ticketId === ticketId) {
        await queue.checkout.complete(input.ticket, buyer.userId, earlier.id).catch(() => undefined);
        return { order: earlier, outcome: "repeat" };
      }
      await abandon(deps, input, buyer);
      if (earlier && (earlier.userId !== buyer.userId || earlier.ticketId !== ticketId)) {
        throw fail("CONFLICT", "IDEMPOTENCY_KEY_REUSED", "This payment attempt id was already used for another purchase.");
      }
      throw fail("CONFLICT", "ALREADY_PURCHASED", "You already bought this product.");
    }
    await abandon(deps, input, buyer);
    if (err instanceof SoldOutError || isCheckViolation(err)) throw fail("CONFLICT", "SOLD_OUT", "Sorry, this product just sold out.");
    throw err;
  }
  const { priceMinor: amountMinor, currency } = p;

  // 4. Charge, with a key per attempt (a retry after a decline is a new attempt with a new order id).
  const chargeKey = `qd-order-${orderId}`;
  let charged: Awaited<ReturnType<PaymentGateway["charge"]>>;
  try {
    charged = await deps.gateway.charge({
      amountMinor,
      currency,
      card: input.card,
      idempotencyKey: chargeKey,
      description: `QuickDeal order ${orderId} (${ticketId})`,
    });
  } catch (err) {
    const maybeCharged = !(err instanceof GatewayError) || err.maybeCharged;
    log.warn({ err, orderId, ticketId, maybeCharged }, "payment processor error");
    if (maybeCharged && !(await voidCharge(deps, chargeKey, orderId))) {
      // Money may have moved and we could not cancel it: keep the order and the held unit for
      // the reconciler, never a charge without an order.
      throw fail(
        "SERVICE_UNAVAILABLE",
        "PAYMENT_UNCONFIRMED",
        "We could not confirm your payment. Your order is on hold; please check your orders in a few minutes.",
      );
    }
    await undoOrder(deps, orderId, ref.productId);
    await abandon(deps, input, buyer);
    throw fail(
      "BAD_GATEWAY",
      "PROCESSOR_ERROR",
      "The payment processor had a problem and you have not been charged. Please try again.",
    );
  }

  if (charged.status === "declined") {
    await undoOrder(deps, orderId, ref.productId);
    await abandon(deps, input, buyer);
    throw fail("PAYMENT_REQUIRED", "CARD_DECLINED", charged.message);
  }

  // 5. Record the payment. If that fails, cancel the charge rather than keep money without an order.
  try {
    if (!(await deps.orders.markPaid(orderId, charged.ref))) throw new Error(`order ${orderId} is no longer pending`);
  } catch (err) {
    log.error({ err, orderId }, "could not mark the order paid; voiding the charge");
    if (!(await voidCharge(deps, chargeKey, orderId))) {
      throw fail(
        "SERVICE_UNAVAILABLE",
        "PAYMENT_UNCONFIRMED",
        "We could not confirm your payment. Your order is on hold; please check your orders in a few minutes.",
      );
    }
    await undoOrder(deps, orderId, ref.productId);
    await abandon(deps, input, buyer);
    throw fail(
      "SERVICE_UNAVAILABLE",
      "ORDER_NOT_RECORDED",
      "We could not record your order, so the payment was cancelled. Please try again.",
    );
  }

  // 6. Release the slot. MySQL is the truth now: a Redis failure here is repaired by the reconciler.
  await queue.checkout.complete(input.ticket, buyer.userId, orderId).catch((err: unknown) => {
    log.error({ err, orderId, ticketId }, "order paid but the room was not updated; reconcile will fix it");
  });
  // The view from what we wrote, rather than reading the order back.
  const paid: OrderView = {
    id: orderId,
    productId: ref.productId,
    productName: p.name,
    productSlug: p.slug,
    imageUrl: p.imageUrl,
    ticketId,
    amountMinor,
    currency,
    status: "PAID",
    paymentRef: charged.ref,
    channel: buyer.channel,
    kioskId: buyer.kioskId,
    createdAt: createdAt.toISOString(),
  };
  return { order: paid, outcome: "paid" };
}

/**
 * What an earlier submit of this ticket or key made, as the answer to this one (a repeat), or a
 * conflict when the key was used for another purchase; null when there is none.
 */
async function earlierAttempt(
  deps: CheckoutDeps,
  buyer: Buyer,
  input: CheckoutInput,
  ticketId: string,
): Promise<{ order: OrderView; outcome: Outcome } | null> {
  const earlier = await orderForAttempt(deps.db, ticketId, input.idempotencyKey);
  if (!earlier) return null;
  if (earlier.userId !== buyer.userId || earlier.ticketId !== ticketId) {
    throw fail("CONFLICT", "IDEMPOTENCY_KEY_REUSED", "This payment attempt id was already used for another purchase.");
  }
  if (earlier.status === "PAID") {
    // Heal the room if the first run died between the commit and the slot release (idempotent).
    await deps.queue.checkout.complete(input.ticket, buyer.userId, earlier.id).catch(() => undefined);
    return { order: earlier, outcome: "repeat" };
  }
  return { order: await waitForOther(deps, input, buyer, ticketId), outcome: "repeat" };
}

async function call<T>(fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (err) {
    throw asTRPCError(err);
  }
}

/** Deletes a PENDING order and gives its unit back, in one transaction. */
async function undoOrder(deps: CheckoutDeps, orderId: number, productId: number): Promise<void> {
  try {
    await deps.db.transaction(async (tx) => {
      const [res] = await tx.delete(order).where(and(eq(order.id, orderId), eq(order.status, "PENDING")));
      if (res.affectedRows === 1) {
        await tx
          .update(product)
          .set({ stock: sql`${product.stock} + 1` })
          .where(eq(product.id, productId));
      }
    });
  } catch (err) {
    deps.log.error({ err, orderId }, "could not undo a failed order; reconcile will fix it");
  }
}

/** PAYING → ADMITTED so the shopper can retry until the deadline. */
async function abandon(deps: CheckoutDeps, input: CheckoutInput, buyer: Buyer): Promise<void> {
  await deps.queue.checkout.abandon(input.ticket, buyer.userId).catch((err: unknown) => {
    deps.log.error({ err }, "could not release the checkout hold; the sweeper will");
  });
}

async function voidCharge(deps: CheckoutDeps, key: string, orderId: number): Promise<boolean> {
  for (let attempt = 0; attempt < 3; attempt++) {
    try {
      await deps.gateway.void(key);
      return true;
    } catch (err) {
      deps.log.warn({ err, orderId, attempt }, "void failed");
      await sleep(100 * (attempt + 1));
    }
  }
  deps.log.error({ orderId, key }, "could not void a possible charge; needs manual reconciliation");
  return false;
}

/**
 * Another submit of the same ticket is paying right now (double click, second tab): wait for
 * its outcome and answer with the same order.
 */
async function waitForOther(deps: CheckoutDeps, input: CheckoutInput, buyer: Buyer, ticketId: string): Promise<OrderView> {
  const deadline = Date.now() + deps.waitForOtherMs;
  while (Date.now() < deadline) {
    await sleep(100);
    const o = await orderForAttempt(deps.db, ticketId, input.idempotencyKey);
    if (o?.status === "PAID" && o.ticketId === ticketId) return o;
    if (!o) {
      // No order and the ticket is no longer PAYING: the other attempt failed.
      const status = await deps.queue.status(input.ticket, buyer.userId).catch(() => null);
      if (status && status.state !== "PAYING") break;
    }
  }
  throw fail("CONFLICT", "PAYMENT_IN_PROGRESS", "A payment for this ticket is already in progress or just failed. Please check and try again.");
}


import { type Database, type Order, order, product } from "@quickdeal/db";
import { and, desc, eq, lt, or, type SQL } from "drizzle-orm";

/** An order as clients see it (dates as ISO strings). */
export interface OrderView {
  id: number;
  productId: number;
  productName: string;
  productSlug: string;
  imageUrl: string;
  ticketId: string;
  amountMinor: number;
  currency: string;
  status: Order["status"];
  paymentRef: string | null;
  channel: Order["channel"];
  kioskId: string | null;
  createdAt: string;
}

const columns = {
  order,
  productName: product.name,
  productSlug: product.slug,
  imageUrl: product.imageUrl,
};

type Row = { order: Order; productName: string; productSlug: string; imageUrl: string };

function view(r: Row): OrderView {
  const o = r.order;
  return {
    id: o.id,
    productId: o.productId,
    productName: r.productName,
    productSlug: r.productSlug,
    imageUrl: r.imageUrl,
    ticketId: o.ticketId,
    amountMinor: o.amountMinor,
    currency: o.currency,
    status: o.status,
    paymentRef: o.paymentRef,
    channel: o.channel,
    kioskId: o.kioskId,
    createdAt: o.createdAt.toISOString(),
  };
}

async function select(db: Database, where: SQL | undefined, limit: number): Promise<OrderView[]> {
  const rows = await db
    .select(columns)
    .from(order)
    .innerJoin(product, eq(product.id, order.productId))
    .where(where)
    .orderBy(desc(order.id))
    .limit(limit);
  return rows.map(view);
}

/** An order by id; with `ownerId`, only if it belongs to that user. */
export async function orderById(db: Database, id: number, ownerId?: string): Promise<OrderView | null> {
  const where = ownerId === undefined ? eq(order.id, id) : and(eq(order.id, id), eq(order.userId, ownerId));
  return (await select(db, where, 1))[0] ?? null;
}

/** The order a ticket or an idempotency key already produced, if any. */
export async function orderForAttempt(db: Database, ticketId: string, idempotencyKey: string): Promise<(OrderView & { userId: string }) | null> {
  const rows = await db
    .select({ ...columns, userId: order.userId })
    .from(order)
    .innerJoin(product, eq(product.id, order.productId))
    .where(or(eq(order.ticketId, ticketId), eq(order.idempotencyKey, idempotencyKey)))
    .limit(2);
  // The ticket's own order wins over a key collision.
  const mine = rows.find((r) => r.order.ticketId === ticketId) ?? rows[0];
  return mine ? { ...view(mine), userId: mine.userId } : null;
}

/** The caller's orders, newest first, by keyset (`id < cursor`). */
export async function ordersOf(
  db: Database,
  userId: string,
  q: { cursor: number | null; limit: number },
): Promise<{ items: OrderView[]; nextCursor: number | null }> {
  const where = q.cursor === null ? eq(order.userId, userId) : and(eq(order.userId, userId), lt(order.id, q.cursor));
  const rows = await select(db, where, q.limit + 1);
  const items = rows.slice(0, q.limit);
  return { items, nextCursor: rows.length > q.limit ? (items[items.length - 1]?.id ?? null) : null };
}

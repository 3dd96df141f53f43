import { type Database, order, product } from "@quickdeal/db";
import { and, count, eq } from "drizzle-orm";
import { QueueError } from "./errors.js";
import type { RoomStore } from "./store.js";
import type { RoomConfig } from "./types.js";

/** Room settings from a product row. */
export function roomConfigOf(p: typeof product.$inferSelect): RoomConfig {
  return {
    productId: p.id,
    stock: p.stock,
    initialStock: p.initialStock,
    capacity: p.capacity,
    checkoutTtlSec: p.checkoutTtlSec,
    saleStartsAt: p.saleStartsAt,
    saleEndsAt: p.saleEndsAt,
    paused: p.paused,
  };
}

export async function loadRoomConfig(db: Database, productId: number): Promise<RoomConfig> {
  const [row] = await db.select().from(product).where(eq(product.id, productId)).limit(1);
  if (!row) throw new QueueError("NOT_FOUND", `Product ${productId} does not exist.`);
  return roomConfigOf(row);
}

/**
 * Rebuilds a room's Redis counters from MySQL (the truth for what was sold) and the tickets that
 * still hold a unit. Run it after a Redis loss or whenever the counters are in doubt; it is safe
 * to run while the sale goes on because the script is atomic.
 */
export async function reconcileRoom(db: Database, store: RoomStore, productId: number) {
  const cfg = await loadRoomConfig(db, productId);
  if (!(await store.hasRoom(productId))) await store.initRoom(cfg);
  else await store.initRoom(cfg); // refresh settings too
  const [paid] = await db
    .select({ n: count() })
    .from(order)
    .where(and(eq(order.productId, productId), eq(order.status, "PAID")));
  const [pending] = await db
    .select({ n: count() })
    .from(order)
    .where(and(eq(order.productId, productId), eq(order.status, "PENDING")));
  return store.reconcile(productId, cfg.stock, paid?.n ?? 0, pending?.n ?? 0);
}

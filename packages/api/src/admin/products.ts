import { randomBytes } from "node:crypto";
import { isDuplicateKey, type NewProduct, type Product, product } from "@quickdeal/db";
import type { RoomConfig } from "@quickdeal/queue";
import { TRPCError } from "@trpc/server";
import { asc, eq, gt } from "drizzle-orm";
import { type ProductCard, toCard } from "../catalog/cards.js";
import { asTRPCError, fail } from "../errors.js";
import type { Services } from "../services.js";

export type ProductInput = Omit<NewProduct, "id" | "initialStock" | "createdAt" | "paused">;
export type ProductPatch = Partial<ProductInput> & { paused?: boolean };

/** What operators see: the shopper card plus the raw MySQL stock. */
export interface AdminProduct extends ProductCard {
  dbStock: number;
  createdAt: string;
}

export function roomConfig(p: Product): RoomConfig {
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

function adminView(s: Services, p: Product): AdminProduct {
  return { ...toCard(p, s.queue.rooms.peek(p.id)), dbStock: p.stock, createdAt: p.createdAt.toISOString() };
}

function checkWindow(starts: Date, ends: Date | null | undefined): void {
  if (ends && ends.getTime() <= starts.getTime()) {
    throw fail("BAD_REQUEST", "INVALID_WINDOW", "The sale must end after it starts.");
  }
}

async function load(s: Services, id: number): Promise<Product> {
  const [row] = await s.db.select().from(product).where(eq(product.id, id)).limit(1);
  if (!row) throw new TRPCError({ code: "NOT_FOUND", message: "No such product." });
  return row;
}

export async function listAdminProducts(
  s: Services,
  q: { cursor: number | null; limit: number },
): Promise<{ items: AdminProduct[]; nextCursor: number | null }> {
  const rows = await s.db
    .select()
    .from(product)
    .where(q.cursor === null ? undefined : gt(product.id, q.cursor))
    .orderBy(asc(product.id))
    .limit(q.limit + 1);
  const items = rows.slice(0, q.limit);
  return {
    items: items.map((p) => adminView(s, p)),
    nextCursor: rows.length > q.limit ? (items[items.length - 1]?.id ?? null) : null,
  };
}

export async function getAdminProduct(s: Services, id: number): Promise<AdminProduct> {
  return adminView(s, await load(s, id));
}

/** Creates the product and its waiting room, so the line can open the moment the sale starts. */
export async function createProduct(s: Services, input: ProductInput): Promise<AdminProduct> {
  checkWindow(input.saleStartsAt, input.saleEndsAt);
  let id: number;
  try {
    const [created] = await s.db
      .insert(product)
      .values({ ...input, initialStock: input.stock, paused: false })
      .$returningId();
    if (!created) throw new Error("product insert returned no id");
    id = created.id;
  } catch (err) {
    if (isDuplicateKey(err)) throw fail("CONFLICT", "SLUG_TAKEN", "Another product already uses this slug.");
    throw err;
  }
  const row = await load(s, id);
  await s.queue.ensureRoom(roomConfig(row)).catch((err: unknown) => {
    throw asTRPCError(err);
  });
  await s.catalogChanged();
  return adminView(s, row);
}

/**
 * Edits a product. A stock change sets the units still for sale; the room's reservable pool
 * moves by the same amount and the initial stock follows, so sold counts stay right.
 */
export async function updateProduct(s: Services, id: number, patch: ProductPatch): Promise<AdminProduct> {
  let delta = 0;
  let updated: Product;
  try {
    updated = await s.db.transaction(async (tx) => {
      const [row] = await tx.select().from(product).where(eq(product.id, id)).for("update");
      if (!row) throw new TRPCError({ code: "NOT_FOUND", message: "No such product." });
      const next: Partial<Product> = { ...patch };
      if (patch.stock !== undefined) {
        delta = patch.stock - row.stock;
        next.initialStock = row.initialStock + delta;
      }
      checkWindow(patch.saleStartsAt ?? row.saleStartsAt, patch.saleEndsAt === undefined ? row.saleEndsAt : patch.saleEndsAt);
      if (Object.keys(next).length > 0) await tx.update(product).set(next).where(eq(product.id, id));
      const [after] = await tx.select().from(product).where(eq(product.id, id));
      if (!after) throw new Error("product vanished inside its own transaction");
      return after;
    });
  } catch (err) {
    if (isDuplicateKey(err)) throw fail("CONFLICT", "SLUG_TAKEN", "Another product already uses this slug.");
    throw err;
  }
  try {
    await s.queue.admin.updateRoom(roomConfig(updated), delta);
    if (patch.paused !== undefined) await s.queue.admin.pause(id, patch.paused);
  } catch (err) {
    throw asTRPCError(err);
  }
  await s.catalogChanged();
  return adminView(s, updated);
}

export async function setPaused(s: Services, id: number, paused: boolean): Promise<AdminProduct> {
  return updateProduct(s, id, { paused });
}

/** QA helper: a product on sale now with the given stock, capacity and checkout TTL. */
export async function createScenario(
  s: Services,
  input: { name?: string | undefined; stock: number; capacity: number; checkoutTtlSec: number; priceMinor: number; startsInSec: number; durationSec: number | null },
): Promise<AdminProduct> {
  const tag = randomBytes(4).toString("hex");
  const starts = new Date(Date.now() + input.startsInSec * 1000);
  const slug = `qa-${tag}`;
  return createProduct(s, {
    slug,
    name: input.name ?? `QA scenario ${tag}`,
    description: "A product created by a QA scenario.",
    category: "QA",
    imageUrl: `/img/p/${slug}.svg`,
    priceMinor: input.priceMinor,
    currency: "USD",
    stock: input.stock,
    saleStartsAt: starts,
    saleEndsAt: input.durationSec === null ? null : new Date(starts.getTime() + input.durationSec * 1000),
    capacity: input.capacity,
    checkoutTtlSec: input.checkoutTtlSec,
  });
}

import type { Product } from "@quickdeal/db";
import type { PublishedSnapshot } from "@quickdeal/queue";
import type { ProductCache } from "./product-cache.js";

export type SaleState = "upcoming" | "on_sale" | "sold_out" | "ended";

/** A product as shoppers see it, with live figures. Dates are ISO strings (plain JSON on the wire). */
export interface ProductCard {
  id: number;
  slug: string;
  name: string;
  description: string;
  category: string;
  imageUrl: string;
  priceMinor: number;
  currency: string;
  /** Units nobody holds and nobody bought: what the line can still get. */
  stockLeft: number;
  /** Units held by shoppers in checkout right now (they come back if unpaid). */
  inCheckout: number;
  sold: number;
  initialStock: number;
  saleState: SaleState;
  paused: boolean;
  saleStartsAt: string;
  saleEndsAt: string | null;
  capacity: number;
  checkoutTtlSec: number;
}

export interface LiveRooms {
  peek(productId: number): PublishedSnapshot | undefined;
}

/**
 * Live figures come from the room snapshot this process already holds (fed by the worker);
 * before a room exists, the cached product row is the truth.
 */
export function toCard(p: Product, room: PublishedSnapshot | undefined, now = Date.now()): ProductCard {
  const stockLeft = Math.max(0, room ? room.reservable : p.stock);
  const inCheckout = room ? room.admitted : 0;
  const sold = room ? room.sold : p.initialStock - p.stock;
  const soldOut = room ? room.soldOut || (stockLeft === 0 && inCheckout === 0) : p.stock <= 0;
  // Same precedence as @quickdeal/db's saleStateAt: ended, upcoming, sold out, on sale.
  let saleState: SaleState;
  if (p.saleEndsAt && now >= p.saleEndsAt.getTime()) saleState = "ended";
  else if (now < p.saleStartsAt.getTime()) saleState = "upcoming";
  else if (soldOut) saleState = "sold_out";
  else saleState = "on_sale";
  return {
    id: p.id,
    slug: p.slug,
    name: p.name,
    description: p.description,
    category: p.category,
    imageUrl: p.imageUrl,
    priceMinor: p.priceMinor,
    currency: p.currency,
    stockLeft,
    inCheckout,
    sold,
    initialStock: p.initialStock,
    saleState,
    paused: room ? room.paused : p.paused,
    saleStartsAt: p.saleStartsAt.toISOString(),
    saleEndsAt: p.saleEndsAt?.toISOString() ?? null,
    capacity: p.capacity,
    checkoutTtlSec: p.checkoutTtlSec,
  };
}

export interface CatalogPage {
  items: ProductCard[];
  nextCursor: number | null;
}

export async function listProducts(
  products: ProductCache,
  rooms: LiveRooms,
  q: { cursor: number | null; limit: number; category: string | null },
): Promise<CatalogPage> {
  const page = await products.page(q);
  const now = Date.now();
  return { items: page.items.map((p) => toCard(p, rooms.peek(p.id), now)), nextCursor: page.nextCursor };
}

export async function productCard(
  products: ProductCache,
  rooms: LiveRooms,
  key: { id: number } | { slug: string },
): Promise<ProductCard | null> {
  const p = "id" in key ? await products.byId(key.id) : await products.bySlug(key.slug);
  return p ? toCard(p, rooms.peek(p.id)) : null;
}

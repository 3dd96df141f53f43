import { and, asc, eq, gt, type SQL } from "drizzle-orm";
import type { Database } from "./client.js";
import { type Product, product } from "./schema.js";

export interface ProductPageInput {
  /** The last id of the previous page; omit for the first page. */
  cursor?: number | null;
  limit: number;
  category?: string | null;
}

export interface ProductPage {
  items: Product[];
  nextCursor: number | null;
}

/**
 * One catalog page in id order (`WHERE id > cursor`, served by the PK or `(category, id)`):
 * rows inserted meanwhile land after the cursor, so pages never repeat or skip rows.
 */
export async function productPage(db: Database, input: ProductPageInput): Promise<ProductPage> {
  const conds: SQL[] = [];
  if (input.cursor != null) conds.push(gt(product.id, input.cursor));
  if (input.category != null) conds.push(eq(product.category, input.category));
  const rows = await db
    .select()
    .from(product)
    .where(conds.length ? and(...conds) : undefined)
    .orderBy(asc(product.id))
    .limit(input.limit + 1);
  const items = rows.slice(0, input.limit);
  const last = items[items.length - 1];
  return { items, nextCursor: rows.length > input.limit && last ? last.id : null };
}

import { type Database, type Product, type ProductPage, product, productPage } from "@quickdeal/db";
import { asc, eq } from "drizzle-orm";

export interface PageQuery {
  cursor: number | null;
  limit: number;
  category: string | null;
}

interface Entry<T> {
  at: number;
  value: Promise<T>;
}

const MAX_ENTRIES = 2_000;

/**
 * Product rows change rarely and are read on every catalog hit: keep them in memory for a few
 * seconds. Misses are single-flight (one query however many requests wait for it); admin edits
 * clear the cache here and, through Redis pub/sub, in every other API process.
 */
export class ProductCache {
  private entries = new Map<string, Entry<unknown>>();

  constructor(
    private readonly db: Database,
    private readonly ttlMs: number,
  ) {}

  byId(id: number): Promise<Product | null> {
    return this.cached(`id:${id}`, async () => {
      const rows = await this.db.select().from(product).where(eq(product.id, id)).limit(1);
      return rows[0] ?? null;
    });
  }

  bySlug(slug: string): Promise<Product | null> {
    return this.cached(`slug:${slug}`, async () => {
      const rows = await this.db.select().from(product).where(eq(product.slug, slug)).limit(1);
      return rows[0] ?? null;
    });
  }

  /** One keyset page in id order (stable under inserts, no OFFSET). */
  page(q: PageQuery): Promise<ProductPage> {
    return this.cached(`page:${q.cursor ?? 0}:${q.limit}:${q.category ?? ""}`, () => productPage(this.db, q));
  }

  categories(): Promise<string[]> {
    return this.cached("categories", async () => {
      const rows = await this.db.selectDistinct({ category: product.category }).from(product).orderBy(asc(product.category));
      return rows.map((r) => r.category);
    });
  }

  /** Forget everything (after an edit here or a notice from another process). */
  invalidate(): void {
    this.entries.clear();
  }

  private cached<T>(key: string, load: () => Promise<T>): Promise<T> {
    const now = Date.now();
    const hit = this.entries.get(key) as Entry<T> | undefined;
    if (hit && now - hit.at < this.ttlMs) return hit.value;
    if (this.entries.size >= MAX_ENTRIES) this.entries.clear();
    const value = load();
    const entry: Entry<T> = { at: now, value };
    this.entries.set(key, entry);
    // A failed load is not cached.
    value.catch(() => {
      if (this.entries.get(key) === entry) this.entries.delete(key);
    });
    return value;
  }
}

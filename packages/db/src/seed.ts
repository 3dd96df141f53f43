import { randomUUID } from "node:crypto";
import { count, eq } from "drizzle-orm";
import { demoCatalog } from "./catalog.js";
import type { Database } from "./client.js";
import { isDuplicateKey } from "./errors.js";
import { hashPassword } from "./password.js";
import { product, user } from "./schema.js";

export interface SeedOptions {
  adminEmail: string;
  adminPassword: string;
  /** Sale times are laid out around this instant (default: now). */
  now?: Date;
}

export interface SeedResult {
  productsInserted: number;
  adminCreated: boolean;
}

/** Loads the demo catalog when there are no products yet, and the admin user when missing. Idempotent. */
export async function seed(db: Database, opts: SeedOptions): Promise<SeedResult> {
  const now = opts.now ?? new Date();
  const result: SeedResult = { productsInserted: 0, adminCreated: false };

  const [existing] = await db.select({ n: count() }).from(product);
  if ((existing?.n ?? 0) === 0) {
    const rows = demoCatalog(now);
    try {
      await db.insert(product).values(rows);
      result.productsInserted = rows.length;
    } catch (err) {
      // Another seeder won the race (unique slug): the catalog is there, which is all we want.
      if (!isDuplicateKey(err)) throw err;
    }
  }

  const [admin] = await db.select({ id: user.id }).from(user).where(eq(user.email, opts.adminEmail));
  if (!admin) {
    try {
      await db.insert(user).values({
        id: randomUUID(),
        role: "admin",
        displayName: "Admin",
        email: opts.adminEmail,
        passwordHash: await hashPassword(opts.adminPassword),
      });
      result.adminCreated = true;
    } catch (err) {
      if (!isDuplicateKey(err)) throw err;
    }
  }
  return result;
}

import { readFileSync } from "node:fs";
import { join } from "node:path";
import mysql from "mysql2/promise";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { defaultMigrationsFolder, migrate } from "../src/migrate.js";
import { dropDatabase, TEST_DB, testUrl } from "./db-url.js";

// A database of its own: this file starts from nothing, which the shared test database never does.
const NAME = `${TEST_DB}_migrate`;
const url = testUrl(NAME);
const journal = JSON.parse(readFileSync(join(defaultMigrationsFolder, "meta", "_journal.json"), "utf8")) as {
  entries: unknown[];
};

async function query<T = unknown>(sql: string, params: unknown[] = []): Promise<T[]> {
  const conn = await mysql.createConnection(url);
  try {
    const [rows] = await conn.query<mysql.RowDataPacket[]>(sql, params);
    return rows as T[];
  } finally {
    await conn.end();
  }
}

describe("migrate", () => {
  beforeAll(() => dropDatabase(NAME));
  afterAll(() => dropDatabase(NAME));

  it("creates the missing database and applies every migration", async () => {
    await migrate(url);
    const tables = await query<{ t: string }>(
      "SELECT table_name AS t FROM information_schema.tables WHERE table_schema = ? ORDER BY table_name",
      [NAME],
    );
    expect(tables.map((r) => r.t).sort()).toEqual(["__drizzle_migrations", "kiosk", "order", "product", "user"]);
    const applied = await query<{ n: number }>("SELECT COUNT(*) AS n FROM __drizzle_migrations");
    expect(Number(applied[0]?.n)).toBe(journal.entries.length);
  });

  it("declares the CHECK constraints, unique keys and pagination indexes", async () => {
    const checks = await query<{ name: string }>(
      "SELECT constraint_name AS name FROM information_schema.check_constraints WHERE constraint_schema = ? ORDER BY 1",
      [NAME],
    );
    expect(checks.map((r) => r.name).sort()).toEqual([
      "product_capacity_pos",
      "product_price_nonneg",
      "product_stock_nonneg",
      "product_ttl_pos",
    ]);
    const idx = await query<{ tbl: string; name: string; uniq: number; cols: string }>(
      `SELECT table_name AS tbl, index_name AS name, MIN(non_unique) = 0 AS uniq,
              GROUP_CONCAT(column_name ORDER BY seq_in_index) AS cols
       FROM information_schema.statistics WHERE table_schema = ? GROUP BY table_name, index_name`,
      [NAME],
    );
    const find = (name: string) => idx.find((r) => r.name === name);
    expect(find("product_category_id_idx")).toMatchObject({ tbl: "product", cols: "category,id" });
    expect(find("order_user_id_idx")).toMatchObject({ tbl: "order", cols: "user_id,id" });
    expect(find("order_ticket_unique")).toMatchObject({ cols: "ticket_id" });
    expect(find("order_user_product_unique")).toMatchObject({ cols: "user_id,product_id" });
    expect(find("order_idempotency_unique")).toMatchObject({ cols: "idempotency_key" });
    for (const n of ["order_ticket_unique", "order_user_product_unique", "order_idempotency_unique"]) {
      expect(Number(find(n)?.uniq)).toBe(1);
    }
  });

  it("is a no-op the second time and keeps the data", async () => {
    await query(
      `INSERT INTO product (slug, name, description, category, image_url, price_minor, stock, initial_stock,
        sale_starts_at, capacity, checkout_ttl_sec) VALUES ('keep-me', 'Keep', 'd', 'c', '/x.svg', 100, 3, 3, NOW(3), 10, 120)`,
    );
    await migrate(url);
    await migrate(url);
    const applied = await query<{ n: number }>("SELECT COUNT(*) AS n FROM __drizzle_migrations");
    expect(Number(applied[0]?.n)).toBe(journal.entries.length);
    const kept = await query<{ slug: string }>("SELECT slug FROM product");
    expect(kept.map((r) => r.slug)).toEqual(["keep-me"]);
  });

  it("serialises concurrent runs on a fresh database", async () => {
    await dropDatabase(NAME);
    await Promise.all([migrate(url), migrate(url), migrate(url)]);
    const applied = await query<{ n: number }>("SELECT COUNT(*) AS n FROM __drizzle_migrations");
    expect(Number(applied[0]?.n)).toBe(journal.entries.length);
  });
});

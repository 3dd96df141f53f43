import { migrate } from "@quickdeal/db";
import mysql from "mysql2/promise";

/** The bench's own database: migrated with @quickdeal/db's migrator, products made by plain SQL. */
export async function openBenchDb(url: string): Promise<mysql.Connection> {
  await migrate(url);
  const conn = await mysql.createConnection({ uri: url, timezone: "Z", supportBigNumbers: true });
  await conn.query("SET time_zone = '+00:00'");
  return conn;
}

/** Rows of earlier runs only slow the order table's indexes down; the bench database is ours alone. */
export async function dropEarlierRuns(conn: mysql.Connection): Promise<void> {
  await conn.query("DELETE o FROM `order` o JOIN product p ON p.id = o.product_id WHERE p.slug LIKE 'bench-%'");
  await conn.query("DELETE FROM product WHERE slug LIKE 'bench-%'");
}

export interface BenchProduct {
  runId: string;
  stock: number;
  capacity: number;
  ttlSec: number;
  /** Created paused: the line forms first, the operator opens the sale when everyone watches. */
  paused: boolean;
}

export async function createProduct(conn: mysql.Connection, p: BenchProduct): Promise<number> {
  const [res] = await conn.query<mysql.ResultSetHeader>(
    `INSERT INTO product (slug, name, description, category, image_url, price_minor, currency, stock, initial_stock,
       sale_starts_at, sale_ends_at, capacity, checkout_ttl_sec, paused)
     VALUES (?, ?, ?, 'bench', '/images/bench.svg', 1999, 'USD', ?, ?, UTC_TIMESTAMP(3) - INTERVAL 1 MINUTE, NULL, ?, ?, ?)`,
    [`bench-${p.runId}`, `Bench deal ${p.runId}`, "The one hot product of a bench run.", p.stock, p.stock, p.capacity, p.ttlSec, p.paused ? 1 : 0],
  );
  return res.insertId;
}

export async function setPaused(conn: mysql.Connection, productId: number, paused: boolean): Promise<void> {
  await conn.query("UPDATE product SET paused = ? WHERE id = ?", [paused ? 1 : 0, productId]);
}

export interface Correctness {
  stock: number;
  stockLeft: number;
  /** initial_stock − stock: what MySQL says left the shelf. */
  sold: number;
  paidOrders: number;
  pendingOrders: number;
  oversold: number;
  duplicateOrders: number;
  /** sold == paid + pending (every unit taken has exactly one order). */
  consistent: boolean;
  firstOrderAt: number | null;
  lastPaidAt: number | null;
  /** Paid orders per minute between the first order and the last payment (MySQL timestamps). */
  ordersPerMin: number;
}

/** The truth after a run, from MySQL alone. */
export async function correctness(conn: mysql.Connection, productId: number): Promise<Correctness> {
  const [[p]] = await conn.query<mysql.RowDataPacket[]>("SELECT stock, initial_stock FROM product WHERE id = ?", [productId]);
  const [[o]] = await conn.query<mysql.RowDataPacket[]>(
    `SELECT COUNT(*) AS n, COALESCE(SUM(status = 'PAID'), 0) AS paid, COALESCE(SUM(status = 'PENDING'), 0) AS pending,
       COUNT(DISTINCT ticket_id) AS tickets, COUNT(DISTINCT user_id) AS users,
       MIN(created_at) AS first_at, MAX(CASE WHEN status = 'PAID' THEN updated_at END) AS last_paid_at
     FROM \`order\` WHERE product_id = ?`,
    [productId],
  );
  if (!p || !o) throw new Error(`bench product ${productId} is gone`);
  const initial = Number(p.initial_stock);
  const stockLeft = Number(p.stock);
  const n = Number(o.n);
  const paid = Number(o.paid);
  const pending = Number(o.pending);
  const first = o.first_at ? new Date(o.first_at as Date).getTime() : null;
  const last = o.last_paid_at ? new Date(o.last_paid_at as Date).getTime() : null;
  const spanMs = first !== null && last !== null ? last - first : 0;
  return {
    stock: initial,
    stockLeft,
    sold: initial - stockLeft,
    paidOrders: paid,
    pendingOrders: pending,
    oversold: Math.max(0, paid + pending - initial) + Math.max(0, -stockLeft),
    duplicateOrders: n - Number(o.tickets) + (n - Number(o.users)),
    consistent: initial - stockLeft === paid + pending,
    firstOrderAt: first,
    lastPaidAt: last,
    ordersPerMin: spanMs > 0 ? Math.round((paid / spanMs) * 60_000) : 0,
  };
}

export async function serverVersion(conn: mysql.Connection): Promise<string> {
  const [[r]] = await conn.query<mysql.RowDataPacket[]>("SELECT VERSION() AS v");
  return String(r?.v ?? "?");
}

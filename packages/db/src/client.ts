import type { PoolConnection as CorePoolConnection } from "mysql2";
import mysql from "mysql2/promise";
import { drizzle, type MySql2Database } from "drizzle-orm/mysql2";
import * as schema from "./schema.js";

export type Database = MySql2Database<typeof schema>;
/** The `tx` handed to `db.transaction(async (tx) => …)`. */
export type Transaction = Parameters<Parameters<Database["transaction"]>[0]>[0];

export interface DbHandle {
  db: Database;
  pool: mysql.Pool;
  close(): Promise<void>;
}

export interface CreateDbOptions {
  /** Pool size; mysql2's default is 10. */
  connectionLimit?: number;
}

/** Pool options shared by the app pool and the migrator's single connection. */
export function connectionOptions(url: string): mysql.PoolOptions {
  return {
    uri: url,
    // Dates travel as UTC both ways; see also the session time zone below.
    timezone: "Z",
    supportBigNumbers: true,
    enableKeepAlive: true,
  };
}

export function createDb(url: string, opts: CreateDbOptions = {}): DbHandle {
  const pool = mysql.createPool({
    ...connectionOptions(url),
    connectionLimit: opts.connectionLimit ?? 10,
  });
  // CURRENT_TIMESTAMP(3) defaults follow the session time zone; pin it so stored times are UTC.
  // The event hands out the callback-style connection, whatever the promise typings say.
  pool.on("connection", (conn) => {
    (conn as unknown as CorePoolConnection).query("SET time_zone = '+00:00'", () => {});
  });
  const db = drizzle(pool, { schema, mode: "default" });
  let closed: Promise<void> | undefined;
  return {
    db,
    pool,
    close: () => {
      closed ??= pool.end();
      return closed;
    },
  };
}

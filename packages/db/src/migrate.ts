import { fileURLToPath } from "node:url";
import { drizzle } from "drizzle-orm/mysql2";
import { migrate as drizzleMigrate } from "drizzle-orm/mysql2/migrator";
import mysql from "mysql2/promise";
import { connectionOptions } from "./client.js";

// Resolves to packages/db/migrations from both src/ and dist/.
export const defaultMigrationsFolder = fileURLToPath(new URL("../migrations", import.meta.url));

export interface MigrateOptions {
  migrationsFolder?: string;
  /** Seconds to wait for another process migrating the same database. */
  lockTimeoutSec?: number;
}

/** The database name in a mysql:// URL. */
export function databaseName(url: string): string {
  const name = decodeURIComponent(new URL(url).pathname.replace(/^\//, ""));
  if (!name) throw new Error("DATABASE_URL has no database name");
  if (!/^[A-Za-z0-9_$-]+$/.test(name)) throw new Error(`unsupported database name: ${name}`);
  return name;
}

/** Creates the database if it is missing, then applies pending migrations (a no-op when up to date). */
export async function migrate(url: string, opts: MigrateOptions = {}): Promise<void> {
  const name = databaseName(url);
  const serverUrl = new URL(url);
  serverUrl.pathname = "/";
  const admin = await mysql.createConnection(connectionOptions(serverUrl.toString()));
  try {
    await admin.query(`CREATE DATABASE IF NOT EXISTS \`${name}\` CHARACTER SET utf8mb4`);
  } finally {
    await admin.end();
  }

  // One connection, so the advisory lock and the migrator share a session: concurrent
  // migrate() calls (several processes starting at once) run one after another.
  const conn = await mysql.createConnection(connectionOptions(url));
  try {
    const lock = `quickdeal_migrate_${name}`.slice(0, 64);
    const [rows] = await conn.query<mysql.RowDataPacket[]>("SELECT GET_LOCK(?, ?) AS got", [
      lock,
      opts.lockTimeoutSec ?? 60,
    ]);
    if (rows[0]?.got !== 1) throw new Error(`timed out waiting for the migration lock on ${name}`);
    try {
      await drizzleMigrate(drizzle(conn), {
        migrationsFolder: opts.migrationsFolder ?? defaultMigrationsFolder,
      });
    } finally {
      await conn.query("SELECT RELEASE_LOCK(?)", [lock]);
    }
  } finally {
    await conn.end();
  }
}

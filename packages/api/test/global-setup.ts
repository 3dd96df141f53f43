import { createDb, migrate, seed } from "@quickdeal/db";
import mysql from "mysql2/promise";
import { ADMIN_EMAIL, ADMIN_PASSWORD, TEST_DB_URL } from "./env.js";

/** A fresh database per run (so counts are exact), migrated with @quickdeal/db and seeded. */
export default async function setup() {
  const url = new URL(TEST_DB_URL);
  const name = url.pathname.slice(1);
  url.pathname = "/";
  const conn = await mysql.createConnection(url.toString());
  await conn.query(`DROP DATABASE IF EXISTS \`${name}\``);
  await conn.end();
  await migrate(TEST_DB_URL);
  const handle = createDb(TEST_DB_URL);
  try {
    await seed(handle.db, { adminEmail: ADMIN_EMAIL, adminPassword: ADMIN_PASSWORD });
  } finally {
    await handle.close();
  }
}

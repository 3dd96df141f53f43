import mysql from "mysql2/promise";

// Host and credentials follow DATABASE_URL; the database name is always this package's own,
// so colleagues' suites on the same server never see our rows.
const base = process.env.DATABASE_URL ?? "mysql://root@127.0.0.1:3306/quickdeal";

export const TEST_DB = "quickdeal_test_db";

export function testUrl(name: string = TEST_DB): string {
  const u = new URL(base);
  u.pathname = `/${name}`;
  return u.toString();
}

export async function dropDatabase(name: string): Promise<void> {
  const u = new URL(base);
  u.pathname = "/";
  const conn = await mysql.createConnection(u.toString());
  try {
    await conn.query(`DROP DATABASE IF EXISTS \`${name}\``);
  } finally {
    await conn.end();
  }
}

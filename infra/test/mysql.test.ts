import mysql from "mysql2/promise";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadEnv } from "../scripts/lib/env.mjs";

const env = loadEnv();
const appUrl = new URL(env.DATABASE_URL ?? "mysql://root@127.0.0.1:3306/quickdeal");
const testUrl = new URL(env.DATABASE_URL_TEST ?? "mysql://root@127.0.0.1:3306/quickdeal_test");
let conn: mysql.Connection;

describe("mysql", () => {
  beforeAll(async () => {
    conn = await mysql.createConnection({
      host: appUrl.hostname,
      port: Number(appUrl.port || 3306),
      user: decodeURIComponent(appUrl.username || "root"),
      password: decodeURIComponent(appUrl.password),
    });
  });

  afterAll(async () => {
    await conn.end();
  });

  it("answers", async () => {
    const [rows] = await conn.query<mysql.RowDataPacket[]>("SELECT 1 + 1 AS two, VERSION() AS version");
    expect(rows[0]?.two).toBe(2);
  });

  it("has the app and test databases", async () => {
    const [rows] = await conn.query<mysql.RowDataPacket[]>("SELECT SCHEMA_NAME AS name FROM information_schema.SCHEMATA");
    const names = rows.map((r) => r.name as string);
    expect(names).toContain(appUrl.pathname.slice(1));
    expect(names).toContain(testUrl.pathname.slice(1));
  });
});

import { migrate } from "@quickdeal/db";
import mysql from "mysql2/promise";
import { TEST_DB_URL } from "./env.js";

/** A fresh database per run, so counts in assertions are exact. */
export default async function setup() {
  const url = new URL(TEST_DB_URL);
  const name = url.pathname.slice(1);
  url.pathname = "/";
  const conn = await mysql.createConnection(url.toString());
  await conn.query(`DROP DATABASE IF EXISTS \`${name}\``);
  await conn.end();
  await migrate(TEST_DB_URL);
}

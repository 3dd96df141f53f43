import { createDb, migrate, seed } from "@quickdeal/db";
import { createKafka, deleteTopics } from "@quickdeal/queue";
import mysql from "mysql2/promise";
import { ADMIN_EMAIL, ADMIN_PASSWORD, KAFKA_BROKERS, TEST_DB_URL, TEST_TOPIC_PREFIX } from "./env.js";

const testTopics = () => deleteTopics(createKafka(KAFKA_BROKERS, "api-test-setup"), (t) => t.startsWith(TEST_TOPIC_PREFIX));

/**
 * A fresh database per run (so counts are exact), migrated with @quickdeal/db and seeded; the
 * tests' topics are deleted before (a crashed run's) and after the run.
 */
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
  await testTopics();
  return async () => {
    await testTopics();
  };
}

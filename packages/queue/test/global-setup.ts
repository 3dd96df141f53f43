import { migrate } from "@quickdeal/db";
import mysql from "mysql2/promise";
import { createKafka, deleteTopics } from "../src/kafka.js";
import { KAFKA_BROKERS, TEST_DB_URL, TEST_TOPIC_PREFIX } from "./env.js";

const testTopics = () => deleteTopics(createKafka(KAFKA_BROKERS, "queue-test-setup"), (t) => t.startsWith(TEST_TOPIC_PREFIX));

/**
 * A fresh database per run, so counts in assertions are exact; the tests' topics are deleted
 * before (a crashed run's) and after the run, so a long-lived broker does not gather them.
 */
export default async function setup() {
  const url = new URL(TEST_DB_URL);
  const name = url.pathname.slice(1);
  url.pathname = "/";
  const conn = await mysql.createConnection(url.toString());
  await conn.query(`DROP DATABASE IF EXISTS \`${name}\``);
  await conn.end();
  await migrate(TEST_DB_URL);
  await testTopics();
  return async () => {
    await testTopics();
  };
}

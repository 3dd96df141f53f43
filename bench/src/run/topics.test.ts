import { randomUUID } from "node:crypto";
import { Kafka, logLevel } from "kafkajs";
import { afterAll, describe, expect, it } from "vitest";
import { deleteRunTopics } from "./topics.js";

// Against the real broker, as the bench uses it.
const brokers = (process.env.KAFKA_BROKERS ?? "127.0.0.1:9092").split(",");
const admin = new Kafka({ clientId: "bench-topics-test", brokers, logLevel: logLevel.NOTHING }).admin();

describe("deleteRunTopics", () => {
  const run = `quickdeal.bench-test.${randomUUID().slice(0, 8)}`;
  const mine = [run, `${run}.warmup`];
  const others = [`${run}x`, `${run}-other`];

  afterAll(async () => {
    await admin.deleteTopics({ topics: others, timeout: 10_000 }).catch(() => undefined);
    await admin.disconnect();
  });

  it("deletes the run's topic and those named after it, and nothing else", async () => {
    await admin.connect();
    await admin.createTopics({ topics: [...mine, ...others].map((topic) => ({ topic, numPartitions: 1 })), waitForLeaders: true });
    const deleted = await deleteRunTopics(brokers, run);
    expect(deleted.sort()).toEqual([...mine].sort());
    const left = await admin.listTopics();
    for (const t of mine) expect(left).not.toContain(t);
    for (const t of others) expect(left).toContain(t);
  });
});

import { randomUUID } from "node:crypto";
import { afterAll, describe, expect, it } from "vitest";
import { createKafka, deleteTopics, ensureTopic, topicFamily } from "../src/kafka.js";
import { KAFKA_BROKERS, TEST_TOPIC_PREFIX } from "./env.js";

// Against the real broker: test runs and bench runs clean up with it.
const kafka = createKafka(KAFKA_BROKERS, "queue-test-delete-topics");
const admin = kafka.admin();

describe("deleteTopics", () => {
  const base = `${TEST_TOPIC_PREFIX}delete.${randomUUID().slice(0, 8)}`;
  const chosen = [base, `${base}.warmup`];
  // Named alike but not chosen: a prefix test written as `startsWith(base)` would take them.
  const kept = [`${base}x`, `${base}-other`];

  afterAll(async () => {
    await admin.deleteTopics({ topics: kept, timeout: 10_000 }).catch(() => undefined);
    await admin.disconnect();
  });

  it("deletes exactly the topics the predicate picks (a topic's family) and names them", async () => {
    for (const t of [...chosen, ...kept]) await ensureTopic(kafka, t, 1);
    const deleted = await deleteTopics(kafka, topicFamily(base));
    expect(deleted.sort()).toEqual([...chosen].sort());
    await admin.connect();
    const left = await admin.listTopics();
    for (const t of chosen) expect(left).not.toContain(t);
    for (const t of kept) expect(left).toContain(t);
  });

  it("deletes nothing and says so when nothing matches", async () => {
    expect(await deleteTopics(kafka, () => false)).toEqual([]);
  });
});

import { randomUUID } from "node:crypto";
import { Kafka, logLevel } from "kafkajs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadEnv } from "../scripts/lib/env.mjs";

const env = loadEnv();
const id = randomUUID().slice(0, 8);
const topic = `qd-infra-test-${id}`;
const groupId = `qd-infra-test-group-${id}`;
const kafka = new Kafka({
  clientId: `qd-infra-test-${id}`,
  brokers: (env.KAFKA_BROKERS ?? "127.0.0.1:9092").split(","),
  logLevel: logLevel.NOTHING,
});
const admin = kafka.admin();

describe("kafka broker started by services.mjs", () => {
  beforeAll(async () => {
    await admin.connect();
    await admin.createTopics({ waitForLeaders: true, topics: [{ topic, numPartitions: 2 }] });
  });

  afterAll(async () => {
    await admin.deleteGroups([groupId]).catch(() => {});
    await admin.deleteTopics({ topics: [topic] }).catch(() => {});
    await admin.disconnect();
  });

  it("lists the app's join topic", async () => {
    const meta = await admin.fetchTopicMetadata({ topics: [env.KAFKA_JOIN_TOPIC ?? "quickdeal.joins"] });
    expect(meta.topics[0]?.partitions.length).toBe(Number(env.KAFKA_JOIN_PARTITIONS ?? 8));
  });

  it("round-trips messages through a consumer group and commits offsets", async () => {
    const count = 20;
    const producer = kafka.producer({ allowAutoTopicCreation: false });
    await producer.connect();
    await producer.send({
      topic,
      acks: -1,
      messages: Array.from({ length: count }, (_, i) => ({ key: `k${i % 4}`, value: `m${i}` })),
    });
    await producer.disconnect();

    const consumer = kafka.consumer({ groupId, sessionTimeout: 10_000, heartbeatInterval: 1000 });
    const seen: string[] = [];
    let resolveDone: () => void = () => {};
    const done = new Promise<void>((r) => {
      resolveDone = r;
    });
    await consumer.connect();
    await consumer.subscribe({ topic, fromBeginning: true });
    await consumer.run({
      autoCommit: false,
      eachMessage: async ({ partition, message }) => {
        seen.push(message.value?.toString() ?? "");
        // Commit explicitly after processing: the next offset to read, as Kafka expects.
        await consumer.commitOffsets([{ topic, partition, offset: (BigInt(message.offset) + 1n).toString() }]);
        if (seen.length === count) resolveDone();
      },
    });
    await done;
    await consumer.disconnect();

    expect(seen.sort()).toEqual(Array.from({ length: count }, (_, i) => `m${i}`).sort());
    const [committed] = await admin.fetchOffsets({ groupId, topics: [topic] });
    const total = committed?.partitions.reduce((sum, p) => sum + Number(p.offset), 0);
    expect(total).toBe(count);
  });
});

import { createKafka } from "@quickdeal/queue";
import { pino } from "pino";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { warmUp, warmupTopic } from "../src/warmup.js";
import { KAFKA_BROKERS } from "./env.js";
import { type Api, guest, insertProduct, startApi } from "./harness.js";

const log = pino({ level: "silent" });

async function messagesIn(topic: string): Promise<number> {
  const admin = createKafka(KAFKA_BROKERS, "warmup-test-admin").admin();
  await admin.connect();
  try {
    const topics = await admin.listTopics();
    if (!topics.includes(topic)) return 0;
    const offsets = await admin.fetchTopicOffsets(topic);
    return offsets.reduce((sum, o) => sum + Number(o.high), 0);
  } finally {
    await admin.disconnect();
  }
}

type Admin = ReturnType<ReturnType<typeof createKafka>["admin"]>;
// kafkajs's ConfigResourceTypes.TOPIC: its ESM entry does not export the enum by name.
const TOPIC = 2 as Parameters<Admin["describeConfigs"]>[0]["resources"][number]["type"];

async function retentionMs(topic: string): Promise<string | undefined> {
  const admin = createKafka(KAFKA_BROKERS, "warmup-test-admin").admin();
  await admin.connect();
  try {
    const { resources } = await admin.describeConfigs({
      resources: [{ type: TOPIC, name: topic, configNames: ["retention.ms"] }],
      includeSynonyms: false,
    });
    return resources[0]?.configEntries.find((e) => e.configName === "retention.ms")?.configValue;
  } finally {
    await admin.disconnect();
  }
}

async function scratchKeys(api: Api): Promise<string[]> {
  return api.services.redis.keys(`${api.config.redisPrefix}:warmup:*`);
}

describe("warm-up before a worker listens", () => {
  let api: Api;
  beforeAll(async () => {
    api = await startApi("warmup");
  });
  afterAll(async () => {
    await api?.close();
  });

  it("plays shoppers through sign-in, join, status and mine where no shopper, worker or metric sees them", async () => {
    const productId = await insertProduct(api.services, { stock: 5 });
    const first = await guest(api);
    expect((await first.client.queue.join.mutate({ productId })).seq).toBe(1);
    const realTopicBefore = await messagesIn(api.config.joinTopic);
    const scratchTopicBefore = await messagesIn(warmupTopic(api.config.joinTopic));

    const report = await warmUp(api.config, { shoppers: 60, concurrency: 8 }, log);

    expect(report.stoppedBy).toBeUndefined();
    expect(report.shoppers).toBe(60);
    expect(report.copies).toBe(2);
    // Each copy's first shopper scraped its /metrics (one in 200 does).
    expect(report.scrapes).toBe(2);
    // Its joins went to the scratch topic (a message holds a batch of them), none to the real
    // one, and its Redis keys are gone.
    expect(await messagesIn(warmupTopic(api.config.joinTopic))).toBeGreaterThan(scratchTopicBefore);
    expect(await messagesIn(api.config.joinTopic)).toBe(realTopicBefore);
    // Nobody reads the scratch topic: it keeps an hour, not Kafka's week.
    expect(await retentionMs(warmupTopic(api.config.joinTopic))).toBe(String(60 * 60_000));
    expect(await scratchKeys(api)).toEqual([]);
    // The real room carries on where it was.
    const second = await guest(api);
    expect((await second.client.queue.join.mutate({ productId })).seq).toBe(2);
    // This process's /metrics counted the two real joins only.
    const calls = await api.services.metrics.registry.getSingleMetricAsString("qd_api_calls_total");
    const joins = calls.split("\n").filter((l) => l.includes('path="queue.join"'));
    expect(joins.map((l) => Number(l.split(" ").pop())).reduce((a, b) => a + b, 0)).toBe(2);
  });

  it("shares the shoppers among scratch copies, one after the other, and cleans up after each", async () => {
    const lines: { msg?: string; copy?: number; shoppers?: number }[] = [];
    const recorder = pino({ level: "debug" }, { write: (line: string) => void lines.push(JSON.parse(line)) });
    const report = await warmUp(api.config, { shoppers: 7, copies: 3, concurrency: 2 }, recorder);
    expect(report).toMatchObject({ shoppers: 7, copies: 3 });
    expect(report.stoppedBy).toBeUndefined();
    const played = lines.filter((l) => l.msg === "warm-up copy played").map((l) => [l.copy, l.shoppers]);
    expect(played).toEqual([
      [1, 3],
      [2, 2],
      [3, 2],
    ]);
    expect(await scratchKeys(api)).toEqual([]);
    // Never more copies than shoppers.
    expect(await warmUp(api.config, { shoppers: 1, copies: 4 }, log)).toMatchObject({ shoppers: 1, copies: 1 });
  });

  it("ends early when a call fails (Kafka away), and still cleans up", async () => {
    const started = Date.now();
    const report = await warmUp(
      { ...api.config, kafka: { ...api.config.kafka, brokers: ["127.0.0.1:1"] } },
      { shoppers: 1_000, concurrency: 4 },
      log,
    );
    expect(report.stoppedBy).toMatch(/queue\.join answered 5\d\d/);
    expect(report.shoppers).toBe(0);
    // The first copy's failure ends it: the second is not tried.
    expect(report.copies).toBe(1);
    expect(Date.now() - started).toBeLessThan(45_000);
    expect(await scratchKeys(api)).toEqual([]);
  });

  it("first deletes what a warm-up that died mid-way left behind, not what a running one holds", async () => {
    const redis = api.services.redis;
    const abandoned = `${api.config.redisPrefix}:warmup:999991:{p:1}:room`;
    const running = `${api.config.redisPrefix}:warmup:999992:{p:1}:room`;
    await redis.hset(abandoned, "seq", "3000");
    // Idle times count in whole seconds.
    await new Promise((r) => setTimeout(r, 2_200));
    await redis.hset(running, "seq", "12");

    const report = await warmUp(api.config, { shoppers: 5, concurrency: 2, abandonedAfterSec: 2 }, log);

    expect(report.stoppedBy).toBeUndefined();
    expect(await redis.exists(abandoned)).toBe(0);
    expect(await redis.exists(running)).toBe(1);
    await redis.del(running);
  });

  it("stops at its deadline, each copy in its own slice of it", async () => {
    const lines: { msg?: string; copy?: number; shoppers?: number; stoppedBy?: string }[] = [];
    const recorder = pino({ level: "debug" }, { write: (line: string) => void lines.push(JSON.parse(line)) });
    const started = Date.now();
    const report = await warmUp(api.config, { shoppers: 100_000, concurrency: 4, deadlineMs: 3_000 }, recorder);
    expect(report.stoppedBy).toBe("deadline");
    // The first copy ran out of its half and the second still played: both ran short.
    expect(report.copies).toBe(2);
    const played = lines.filter((l) => l.msg === "warm-up copy played");
    expect(played.map((l) => [l.copy, l.stoppedBy])).toEqual([
      [1, "deadline"],
      [2, "deadline"],
    ]);
    for (const l of played) expect(l.shoppers).toBeGreaterThan(0);
    // Set-up and clean-up of each copy come on top of the slices, so a little past 3 s.
    expect(Date.now() - started).toBeLessThan(10_000);
    expect(report.shoppers).toBeGreaterThan(0);
    expect(report.shoppers).toBeLessThan(100_000);
    expect(await scratchKeys(api)).toEqual([]);
  });
});

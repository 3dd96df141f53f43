// The join log's batching against the real broker.
import { afterAll, describe, expect, it } from "vitest";
import { type BatchReport, decodeJoins, encodeJoins, JOIN_FULL_BATCH, JoinLog, type JoinMessage } from "../src/join-log.js";
import { createKafka, ensureTopic } from "../src/kafka.js";
import { KAFKA_BROKERS } from "./env.js";
import { randomTopic } from "./helpers.js";

const kafka = createKafka(KAFKA_BROKERS, "join-log-test");
const logs: JoinLog[] = [];
afterAll(() => Promise.all(logs.map((l) => l.close())));

async function joinLog(lingerMs: number, fullBatch?: number, onBatch?: (r: BatchReport) => void): Promise<JoinLog> {
  const topic = randomTopic("joinlog");
  await ensureTopic(createKafka(KAFKA_BROKERS, "test-admin"), topic, 2);
  const log = new JoinLog(kafka, topic, 2000, onBatch, lingerMs, fullBatch);
  logs.push(log);
  return log;
}

const joins = (n: number, from = 0) =>
  Array.from({ length: n }, (_, i) => ({ p: 1 + (i % 2), s: from + i, u: `u${from + i}`, t: Date.now() }));

describe("join log", () => {
  it("lingers so that joins arriving together go out in one produce request", async () => {
    const log = await joinLog(5, 500);
    await Promise.all(joins(300).map((m) => log.append(m)));
    // Without the linger the first join would leave alone and the other 299 in a second request.
    expect(log.batches).toBe(1);
    expect(log.messages).toBe(300);
    // One Kafka record per product of the batch, not one per join.
    expect(log.records).toBe(2);
    await Promise.all(joins(3, 300).map((m) => log.append(m)));
    expect(log.batches).toBe(2);
  });

  it("reports each request's size and round trip, and every join's wait including the linger", async () => {
    const reports: BatchReport[] = [];
    const log = await joinLog(20, 500, (r) => reports.push(r));
    await log.warm();
    await Promise.all(joins(40).map((m) => log.append(m)));
    await Promise.all(joins(10, 40).map((m) => log.append(m)));
    expect(reports.map((r) => r.size)).toEqual([40, 10]);
    for (const r of reports) {
      expect(r.waitsMs).toHaveLength(r.size);
      expect(r.sendMs).toBeGreaterThan(0);
      // Every join waited out the linger and then its own request's round trip.
      expect(r.lingerMs).toBeGreaterThanOrEqual(15);
      for (const w of r.waitsMs) expect(w).toBeGreaterThanOrEqual(r.sendMs + r.lingerMs - 1);
    }
  });

  it("by default lingers for a few joins but not once JOIN_FULL_BATCH of them wait", async () => {
    const reports: BatchReport[] = [];
    const log = await joinLog(200, undefined, (r) => reports.push(r));
    await log.warm();
    await Promise.all(joins(JOIN_FULL_BATCH + 8).map((m) => log.append(m)));
    await Promise.all(joins(5, JOIN_FULL_BATCH + 8).map((m) => log.append(m)));
    expect(reports.map((r) => r.size)).toEqual([JOIN_FULL_BATCH + 8, 5]);
    // The crowd left as soon as it was JOIN_FULL_BATCH strong; the few waited out the linger.
    expect(reports[0]?.lingerMs).toBeLessThan(100);
    expect(reports[1]?.lingerMs).toBeGreaterThanOrEqual(190);
  });

  it("stops lingering as soon as a full batch waits", async () => {
    const log = await joinLog(60_000, 100);
    const started = Date.now();
    await Promise.all(joins(150).map((m) => log.append(m)));
    expect(Date.now() - started).toBeLessThan(30_000);
    expect(log.messages).toBe(150);
  });
});

describe("warming up", () => {
  it("connects the producer before the first join, so that join does not wait for it", async () => {
    const log = await joinLog(0, 500);
    expect(log.isConnected).toBe(false);
    expect(await log.warm()).toBe(true);
    expect(log.isConnected).toBe(true);
    await log.append(joins(1)[0] as JoinMessage);
    expect(log.batches).toBe(1);
  });

  it("reports a broker it cannot reach instead of throwing", async () => {
    const unreachable = createKafka(["127.0.0.1:1"], "join-log-test-down");
    const log = new JoinLog(unreachable, randomTopic("joinlog"), 2000, undefined, 0, 500);
    logs.push(log);
    expect(await log.warm()).toBe(false);
  });
});

describe("join records", () => {
  const b = (v: unknown) => Buffer.from(typeof v === "string" ? v : JSON.stringify(v));

  it("carry one product's joins in seq order and read back the same", () => {
    const joins = [
      { p: 7, s: 3, u: "a", t: 1000 },
      { p: 7, s: 4, u: "b", t: 1001 },
    ];
    expect(decodeJoins(b(encodeJoins(7, joins)))).toEqual(joins);
  });

  it("still read the one-join records earlier versions wrote", () => {
    expect(decodeJoins(b({ p: 7, s: 3, u: "a", t: 1000 }))).toEqual([{ p: 7, s: 3, u: "a", t: 1000 }]);
  });

  it("refuse malformed records as a whole", () => {
    for (const bad of ["", "not json", "null", "[1,2]", '{"p":"7","j":[[1,"a",1]]}', '{"p":7,"j":[]}', '{"p":7,"j":[["1","a",1]]}', '{"p":7}']) {
      expect(decodeJoins(b(bad)), bad).toBeNull();
    }
    expect(decodeJoins(null)).toBeNull();
  });
});

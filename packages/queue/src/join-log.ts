import { type Kafka, type Producer, CompressionTypes } from "kafkajs";
import { QueueError } from "./errors.js";

/** One join request: product, seq, user, join time (ms). */
export interface JoinMessage {
  p: number;
  s: number;
  u: string;
  t: number;
}

/**
 * A Kafka record of the join log (keyed by product id, so one product stays ordered): the joins of
 * one product in one produce request, in seq order, as `[seq, userId, ms]`. kafkajs spends its
 * CPU per record (encoding, CRC, allocation), and so does the consumer decoding them: one record
 * per product per micro-batch instead of one per join.
 */
interface JoinRecord {
  p: number;
  j: [number, string, number][];
}

export function encodeJoins(productId: number, joins: readonly JoinMessage[]): string {
  const record: JoinRecord = { p: productId, j: joins.map((m) => [m.s, m.u, m.t]) };
  return JSON.stringify(record);
}

/**
 * The joins of one record, in log order; also reads the one-join-per-record form `{p,s,u,t}` that
 * earlier versions wrote, so a log written before an upgrade is still admitted. null: malformed.
 */
export function decodeJoins(value: Buffer | null | undefined): JoinMessage[] | null {
  if (!value) return null;
  let v: unknown;
  try {
    v = JSON.parse(value.toString());
  } catch {
    return null;
  }
  if (v === null || typeof v !== "object") return null;
  const r = v as Partial<JoinRecord> & Partial<JoinMessage>;
  if (typeof r.p !== "number") return null;
  if (Array.isArray(r.j)) {
    const out: JoinMessage[] = [];
    for (const e of r.j as unknown[]) {
      if (!Array.isArray(e) || typeof e[0] !== "number") return null;
      out.push({ p: r.p, s: e[0], u: String(e[1] ?? ""), t: typeof e[2] === "number" ? e[2] : Date.now() });
    }
    return out.length > 0 ? out : null;
  }
  if (typeof r.s !== "number") return null;
  return [{ p: r.p, s: r.s, u: String(r.u ?? ""), t: Number(r.t ?? Date.now()) }];
}

/** Joins of one batch grouped by product, each group in arrival (seq) order. */
function byProduct(batch: readonly Pending[]): Map<number, JoinMessage[]> {
  const groups = new Map<number, JoinMessage[]>();
  for (const { msg } of batch) {
    const g = groups.get(msg.p);
    if (g) g.push(msg);
    else groups.set(msg.p, [msg]);
  }
  return groups;
}

interface Pending {
  msg: JoinMessage;
  /** performance.now() at append: the join's wait for the log is measured from here. */
  at: number;
  resolve: () => void;
  reject: (err: unknown) => void;
}

/** What one produce request did, for metrics: where a join's time goes between Redis and its answer. */
export interface BatchReport {
  /** Joins in the request. */
  size: number;
  /** The request's round trip, send to the broker's acknowledgement (ms). */
  sendMs: number;
  /** Each join's wait from append to acknowledgement: lingering, the request before it, its own (ms). */
  waitsMs: number[];
  /**
   * How long the request lingered for more joins before it left (ms): less than the linger when a
   * full batch gathered, more when the event loop was late for the timer.
   */
  lingerMs: number;
}

/**
 * Default linger before a produce request of joins (ms); see JoinLog. A tradeoff, measured both
 * ways (docs/performance.md): 10 ms cut the broker's CPU per join by a third at a steady 1,500
 * joins/s on a busy machine, and cost a closed loop of 100 connections about a sixth of its
 * joins/s, since there every join in flight waits out the linger and no new one arrives meanwhile
 * (JOIN_FULL_BATCH ends the linger for those; decisions.md §24 also has a rule tried and reverted).
 */
export const JOIN_LINGER_MS = 3;

/**
 * Default count of waiting joins at which a produce request leaves without lingering (or stops
 * lingering): lingering pays only for small requests, and a crowd whose clients wait on each other
 * is all in the batch already, while a steady stream of a few joins per request still lingers.
 * 32 against 500: closed loops faster in 13 of 14 pairs, the p99 at 5,000 joins/s unchanged
 * within the noise (decisions.md §24).
 */
export const JOIN_FULL_BATCH = 32;

/**
 * Appends joins to Kafka in micro-batches: one produce request in flight per process, and every
 * join that arrives meanwhile rides in the next one (group commit), one record per product. One
 * request per join costs ~0.4 ms of CPU in kafkajs; 500 per request cost ~12 µs each. One request
 * in flight also keeps the log in the order the sequence numbers were handed out.
 *
 * Before each send it lingers a moment unless a full batch is already waiting: at ~1,800 joins/s
 * the in-flight send alone gathered only 13–15 joins per batch, and the broker's CPU goes per
 * request more than per message. The linger adds at most `lingerMs` to a join's latency, and none
 * once `fullBatch` joins wait.
 */
export class JoinLog {
  private producer: Producer;
  private queue: Pending[] = [];
  private flushing = false;
  /** Ends the current linger early (a full batch is waiting). */
  private lingerDone: (() => void) | null = null;
  private connected: Promise<void> | null = null;
  private ready = false;
  /** Partition count of the topic, learnt on connect; null falls back to kafkajs' key hashing. */
  private partitions: number | null = null;
  /** Produce requests, joins and Kafka records sent so far. */
  batches = 0;
  messages = 0;
  records = 0;

  constructor(
    private readonly kafka: Kafka,
    readonly topic: string,
    private readonly maxBatch = 2000,
    private readonly onBatch?: (report: BatchReport) => void,
    private readonly lingerMs = JOIN_LINGER_MS,
    /** Send at once, without lingering, when this many joins wait. */
    private readonly fullBatch = JOIN_FULL_BATCH,
  ) {
    this.producer = kafka.producer({
      allowAutoTopicCreation: false,
      // Fail fast when the broker is gone: the shopper gets a retryable error instead of a hang.
      retry: { retries: 2, initialRetryTime: 100, maxRetryTime: 1000 },
    });
  }

  append(msg: JoinMessage): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      this.queue.push({ msg, at: performance.now(), resolve, reject });
      if (!this.flushing) void this.flush();
      else if (this.lingerDone && this.queue.length >= this.fullBatch) this.lingerDone();
    });
  }

  /**
   * Connects ahead of the first join (at process start): otherwise the first joins of a sale wait
   * for the producer's connect and the topic's metadata, and everyone behind them queues. Never
   * throws: without Kafka now, the first append connects (and reports) instead.
   */
  async warm(): Promise<boolean> {
    try {
      await this.connect();
      return true;
    } catch {
      return false;
    }
  }

  /** The producer is connected and the topic's partitions known. */
  get isConnected(): boolean {
    return this.ready;
  }

  private async connect(): Promise<void> {
    this.connected ??= (async () => {
      await this.producer.connect();
      await this.learnPartitions();
      this.ready = true;
    })().catch((err: unknown) => {
      this.connected = null;
      throw err;
    });
    return this.connected;
  }

  private async learnPartitions(): Promise<void> {
    const admin = this.kafka.admin();
    try {
      await admin.connect();
      const meta = await admin.fetchTopicMetadata({ topics: [this.topic] });
      this.partitions = meta.topics[0]?.partitions.length || null;
    } catch {
      this.partitions = null;
    } finally {
      await admin.disconnect().catch(() => undefined);
    }
  }

  /**
   * Product id modulo partition count, rather than a hash of the key: a full room pauses its whole
   * partition, and consecutive product ids (the hot products of one drop) then never share one
   * unless there are more hot products than partitions.
   */
  partitionOf(productId: number): number | undefined {
    return this.partitions ? productId % this.partitions : undefined;
  }

  private async flush(): Promise<void> {
    this.flushing = true;
    try {
      while (this.queue.length > 0) {
        const lingerStarted = performance.now();
        if (this.lingerMs > 0 && this.queue.length < this.fullBatch) await this.linger();
        const lingered = performance.now() - lingerStarted;
        const batch = this.queue.splice(0, this.maxBatch);
        const groups = byProduct(batch);
        try {
          await this.connect();
          const sentAt = performance.now();
          await this.producer.send({
            topic: this.topic,
            acks: -1,
            timeout: 5000,
            compression: CompressionTypes.None,
            messages: [...groups].map(([p, joins]) => ({
              key: String(p),
              value: encodeJoins(p, joins),
              partition: this.partitionOf(p),
            })),
          });
          this.batches++;
          this.messages += batch.length;
          this.records += groups.size;
          if (this.onBatch) {
            const now = performance.now();
            this.onBatch({ size: batch.length, sendMs: now - sentAt, waitsMs: batch.map((p) => now - p.at), lingerMs: lingered });
          }
          for (const p of batch) p.resolve();
        } catch (err) {
          const e = new QueueError("UNAVAILABLE", "The waiting room is briefly unavailable; please try again in a moment.");
          e.cause = err;
          for (const p of batch) p.reject(e);
        }
      }
    } finally {
      this.flushing = false;
    }
  }

  /** Waits `lingerMs`, or less if a full batch gathers meanwhile. */
  private linger(): Promise<void> {
    return new Promise<void>((resolve) => {
      const timer = setTimeout(done, this.lingerMs);
      this.lingerDone = done;
      function done() {
        clearTimeout(timer);
        resolve();
      }
    }).finally(() => {
      this.lingerDone = null;
    });
  }

  async close(): Promise<void> {
    while (this.flushing) await new Promise((r) => setTimeout(r, 5));
    if (this.connected) await this.producer.disconnect().catch(() => undefined);
  }
}

import type { Consumer, EachBatchPayload, Kafka } from "kafkajs";
import type { Redis } from "ioredis";
import { decodeJoins, type JoinMessage } from "./join-log.js";
import { slotChannel } from "./keys.js";
import type { QueueMetrics } from "./metrics.js";
import type { RoomStore } from "./store.js";

export interface AdmissionOptions {
  kafka: Kafka;
  topic: string;
  groupId: string;
  store: RoomStore;
  /** A dedicated connection for the slot-freed subscription. */
  subscriber: Redis;
  heartbeatGraceSec: number;
  metrics?: QueueMetrics;
  /** Safety net only: parked requests are re-tried this often even if no slot notice arrives. */
  safetyResumeMs?: number;
  onAdmit?: (productId: number, admitted: number) => void;
  log?: (msg: string, extra?: Record<string, unknown>) => void;
}

/** One join request taken from the log, parsed once. */
interface Entry {
  /** The Kafka record it came in (a record holds one product's joins of one produce request). */
  offset: string;
  /** null: a malformed record, skipped (its offset is still resolved). */
  msg: JoinMessage | null;
  /** The record's last join: once it is done, the record's offset may be resolved. */
  last: boolean;
}

/** A fetched batch's records as one list of joins in log order. */
function entriesOf(messages: readonly { offset: string; value: Buffer | null }[]): Entry[] {
  const entries: Entry[] = [];
  for (const m of messages) {
    const joins = decodeJoins(m.value);
    if (!joins) {
      entries.push({ offset: m.offset, msg: null, last: true });
      continue;
    }
    for (let k = 0; k < joins.length; k++) entries.push({ offset: m.offset, msg: joins[k] ?? null, last: k === joins.length - 1 });
  }
  return entries;
}

/**
 * The rest of a fetched batch whose room was full or paused. Its partition is paused in kafkajs
 * (nothing new is fetched for it) and the requests are admitted from here as slots free, instead of
 * resuming the partition and fetching and decoding up to a MiB again for every freed slot.
 */
interface Parked {
  partition: number;
  entries: Entry[];
  /** Index of the first request not yet done. */
  next: number;
  /** The consumer generation the batch came from: after a rebalance it is dropped, never acted on. */
  generation: number;
  resolveOffset: (offset: string) => void;
  commit: () => Promise<void>;
  resume: () => void;
  draining: boolean;
  again: boolean;
}

/** Requests for one product per `admit` call from a fresh batch (the script stops at the first it cannot admit). */
const RUN_FROM_BATCH = 500;
/** Per call when a few slots freed: the script parses every seq it is given. */
const RUN_FROM_PARKED = 64;

/**
 * The admission worker: a Kafka consumer group reading join requests in log order. For each run of
 * one product's requests it calls the `admit` script; when the room is full or paused it keeps the
 * rest of the batch in memory, pauses the partition, and admits from memory when a slot frees
 * (published on the slot channel). Offsets are resolved only for requests whose Redis effect is
 * done, so a crash at any point replays at most a few requests, which the script recognises by
 * ticket state.
 */
export class AdmissionWorker {
  private consumer: Consumer;
  /** Parked batches by partition (one partition holds one product's requests in order). */
  private parked = new Map<number, Parked>();
  private generation = 0;
  private safety: NodeJS.Timeout | null = null;
  admittedCount = 0;

  constructor(private readonly o: AdmissionOptions) {
    this.consumer = o.kafka.consumer({
      groupId: o.groupId,
      sessionTimeout: 10_000,
      heartbeatInterval: 1000,
      retry: { retries: 10 },
      // How long the broker holds a fetch that finds no new joins. New joins answer a waiting fetch
      // at once; only a partition resumed after a parked batch waits for the fetch in flight. At
      // 50 ms the idle partitions cost this worker ~4 % of a core and the broker ~3 % (decisions §31).
      maxWaitTimeInMs: 250,
    });
  }

  async start(): Promise<void> {
    this.o.subscriber.on("message", (channel: string, message: string) => {
      if (channel === slotChannel(this.o.store.prefix)) this.wake(Number(message));
    });
    await this.o.subscriber.subscribe(slotChannel(this.o.store.prefix));
    // A rebalance may hand our partitions to someone else: forget parked batches (the new owner
    // fetches from the committed offset) and let kafkajs fetch our partitions again.
    this.consumer.on(this.consumer.events.GROUP_JOIN, () => this.dropParked());
    await this.consumer.connect();
    await this.consumer.subscribe({ topic: this.o.topic, fromBeginning: true });
    await this.consumer.run({
      eachBatchAutoResolve: false,
      autoCommitInterval: 500,
      partitionsConsumedConcurrently: 4,
      eachBatch: (payload) => this.onBatch(payload),
    });
    this.safety = setInterval(() => {
      for (const p of [...this.parked.values()]) void this.drain(p);
    }, this.o.safetyResumeMs ?? 2000);
  }

  async stop(): Promise<void> {
    if (this.safety) clearInterval(this.safety);
    this.generation++;
    this.parked.clear();
    await this.consumer.disconnect();
  }

  /** Resolves once this consumer has been assigned partitions (tests wait on it). */
  onceJoined(): Promise<void> {
    return new Promise((resolve) => {
      const off = this.consumer.on(this.consumer.events.GROUP_JOIN, () => {
        off();
        resolve();
      });
    });
  }

  private async onBatch({ batch, resolveOffset, heartbeat, commitOffsetsIfNecessary, isRunning, isStale, pause }: EachBatchPayload) {
    const entries = entriesOf(batch.messages);
    const generation = this.generation;
    let i = 0;
    while (i < entries.length && isRunning() && !isStale()) {
      const r = await this.admitRun(entries, i, RUN_FROM_BATCH, resolveOffset);
      if (r.stop) {
        // Room full or paused: keep the rest here and stop fetching this partition until it is done.
        const resume = pause();
        const p: Parked = {
          partition: batch.partition,
          entries,
          next: r.next,
          generation,
          resolveOffset,
          commit: () => commitOffsetsIfNecessary(),
          resume,
          draining: false,
          again: false,
        };
        this.parked.set(batch.partition, p);
        await commitOffsetsIfNecessary();
        // A slot may have freed while the script ran, before we parked: look once more.
        void this.drain(p);
        return;
      }
      i = r.next;
      await heartbeat();
    }
    await commitOffsetsIfNecessary();
  }

  /**
   * One `admit` call for the run of consecutive requests for one product starting at `i` (malformed
   * ones are skipped first). Resolves the offsets of what the script processed.
   */
  private async admitRun(
    entries: Entry[],
    start: number,
    maxRun: number,
    resolveOffset: (offset: string) => void,
    stillOwned: () => boolean = () => true,
  ): Promise<{ next: number; stop: boolean }> {
    let i = start;
    while (i < entries.length && !entries[i]?.msg) {
      this.o.log?.("skipping malformed join message", { offset: entries[i]?.offset });
      resolveOffset(entries[i]?.offset as string);
      i++;
    }
    const first = entries[i]?.msg;
    if (!first) return { next: i, stop: false };
    const seqs: number[] = [first.s];
    let j = i + 1;
    while (j < entries.length && seqs.length < maxRun) {
      const m = entries[j]?.msg;
      if (!m || m.p !== first.p) break;
      seqs.push(m.s);
      j++;
    }
    const now = Date.now();
    const result = await this.o.store.admit(first.p, seqs, now, this.o.heartbeatGraceSec);
    if (result.admitted > 0) {
      this.admittedCount += result.admitted;
      this.o.metrics?.admissions.inc({ product: String(first.p) }, result.admitted);
      this.o.onAdmit?.(first.p, result.admitted);
    }
    // After a rebalance the offsets are no longer ours to resolve; the new owner replays them.
    if (!stillOwned()) return { next: i + result.processed, stop: true };
    if (result.processed > 0) {
      // Only whole records: a record done halfway is fetched again after a crash (the script
      // skips the joins it already handled), never skipped.
      for (let k = i + result.processed - 1; k >= i; k--) {
        const e = entries[k];
        if (e?.last) {
          resolveOffset(e.offset);
          break;
        }
      }
      for (let k = 0; k < result.processed; k++) this.o.metrics?.admissionLag.observe((now - (entries[i + k]?.msg?.t ?? now)) / 1000);
    }
    return { next: i + result.processed, stop: result.stop !== "none" };
  }

  /** A slot freed for this product: admit from the parked batches that wait for it. */
  private wake(productId: number) {
    for (const p of this.parked.values()) {
      if (p.entries[p.next]?.msg?.p === productId) void this.drain(p);
    }
  }

  /** Admits parked requests until the room is full again or the batch is done (then fetching resumes). */
  private async drain(p: Parked): Promise<void> {
    if (p.draining) {
      // Notices arriving meanwhile need one more look afterwards, not one call each.
      p.again = true;
      return;
    }
    p.draining = true;
    const owned = () => p.generation === this.generation && this.parked.get(p.partition) === p;
    try {
      do {
        p.again = false;
        while (p.next < p.entries.length && owned()) {
          const r = await this.admitRun(p.entries, p.next, RUN_FROM_PARKED, p.resolveOffset, owned);
          if (!owned()) return;
          p.next = r.next;
          if (r.stop) break;
        }
        if (!owned()) return;
        if (p.next >= p.entries.length) {
          this.parked.delete(p.partition);
          p.resume();
          await p.commit().catch(() => undefined);
          return;
        }
        await p.commit().catch(() => undefined);
      } while (p.again);
    } catch (err) {
      // Redis hiccup: the requests stay parked; the next notice or the safety timer tries again.
      this.o.log?.("admission from parked batch failed", { err: String(err) });
    } finally {
      p.draining = false;
    }
  }

  private dropParked() {
    this.generation++;
    const parked = [...this.parked.values()];
    this.parked.clear();
    for (const p of parked) p.resume();
  }
}

import type { Consumer, EachBatchPayload, Kafka } from "kafkajs";
import type { Redis } from "ioredis";
import type { JoinMessage } from "./join-log.js";
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
  /** Safety net only: a paused partition is re-tried this often even if no slot notice arrives. */
  safetyResumeMs?: number;
  onAdmit?: (productId: number, admitted: number) => void;
  log?: (msg: string, extra?: Record<string, unknown>) => void;
}

/**
 * The admission worker: a Kafka consumer group reading join requests in log order. For each run of
 * one product's requests it calls the `admit` script; when the room is full or paused it pauses the
 * partition and resumes it when a slot frees (published on the slot channel). Offsets are resolved
 * only for requests whose Redis effect is done, so a crash at any point replays at most a few
 * requests, which the script recognises by ticket state.
 */
export class AdmissionWorker {
  private consumer: Consumer;
  private waiting = new Map<number, Set<() => void>>();
  private safety: NodeJS.Timeout | null = null;
  admittedCount = 0;

  constructor(private readonly o: AdmissionOptions) {
    this.consumer = o.kafka.consumer({
      groupId: o.groupId,
      sessionTimeout: 10_000,
      heartbeatInterval: 1000,
      retry: { retries: 10 },
      maxWaitTimeInMs: 50,
    });
  }

  async start(): Promise<void> {
    this.o.subscriber.on("message", (channel: string, message: string) => {
      if (channel === slotChannel(this.o.store.prefix)) this.wake(Number(message));
    });
    await this.o.subscriber.subscribe(slotChannel(this.o.store.prefix));
    await this.consumer.connect();
    await this.consumer.subscribe({ topic: this.o.topic, fromBeginning: true });
    await this.consumer.run({
      eachBatchAutoResolve: false,
      autoCommitInterval: 500,
      partitionsConsumedConcurrently: 4,
      eachBatch: (payload) => this.onBatch(payload),
    });
    this.safety = setInterval(() => {
      for (const productId of [...this.waiting.keys()]) void this.recheck(productId);
    }, this.o.safetyResumeMs ?? 2000);
  }

  async stop(): Promise<void> {
    if (this.safety) clearInterval(this.safety);
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
    const msgs = batch.messages;
    let i = 0;
    while (i < msgs.length && isRunning() && !isStale()) {
      const first = parse(msgs[i]?.value);
      if (!first) {
        this.o.log?.("skipping malformed join message", { offset: msgs[i]?.offset });
        resolveOffset(msgs[i]?.offset as string);
        i++;
        continue;
      }
      // A run of consecutive requests for one product goes to Redis in one script call.
      const seqs: number[] = [first.s];
      const times: number[] = [first.t];
      let j = i + 1;
      while (j < msgs.length && seqs.length < 500) {
        const m = parse(msgs[j]?.value);
        if (!m || m.p !== first.p) break;
        seqs.push(m.s);
        times.push(m.t);
        j++;
      }
      const now = Date.now();
      const result = await this.o.store.admit(first.p, seqs, now, this.o.heartbeatGraceSec);
      if (result.processed > 0) {
        resolveOffset(msgs[i + result.processed - 1]?.offset as string);
        for (let k = 0; k < result.processed; k++) this.o.metrics?.admissionLag.observe((now - (times[k] ?? now)) / 1000);
      }
      if (result.admitted > 0) {
        this.admittedCount += result.admitted;
        this.o.metrics?.admissions.inc({ product: String(first.p) }, result.admitted);
        this.o.onAdmit?.(first.p, result.admitted);
      }
      if (result.stop !== "none") {
        // Room full or paused: stop reading this partition until a slot frees. Unresolved
        // requests are fetched again on resume, still in order.
        const resume = pause();
        this.park(first.p, resume);
        await commitOffsetsIfNecessary();
        // A slot may have freed between the script and the pause: look once more.
        void this.recheck(first.p);
        return;
      }
      i += result.processed;
      await heartbeat();
    }
    await commitOffsetsIfNecessary();
  }

  private park(productId: number, resume: () => void) {
    let set = this.waiting.get(productId);
    if (!set) {
      set = new Set();
      this.waiting.set(productId, set);
    }
    set.add(resume);
  }

  private wake(productId: number) {
    const set = this.waiting.get(productId);
    if (!set) return;
    this.waiting.delete(productId);
    for (const resume of set) resume();
  }

  private async recheck(productId: number) {
    const room = await this.o.store.room(productId).catch(() => null);
    if (!room) return;
    const canMove = !room.paused && ((room.admitted < room.capacity && room.reservable > 0) || (room.reservable <= 0 && room.admitted <= 0));
    if (canMove) this.wake(productId);
  }
}

function parse(value: Buffer | null | undefined): JoinMessage | null {
  if (!value) return null;
  try {
    const m = JSON.parse(value.toString()) as Partial<JoinMessage>;
    if (typeof m.p !== "number" || typeof m.s !== "number") return null;
    return { p: m.p, s: m.s, u: String(m.u ?? ""), t: Number(m.t ?? Date.now()) };
  } catch {
    return null;
  }
}

import type { Database } from "@quickdeal/db";
import { Redis } from "ioredis";
import { Kafka, logLevel } from "kafkajs";
import { QueueError } from "./errors.js";
import { HeartbeatBuffer } from "./heartbeats.js";
import { JoinLog } from "./join-log.js";
import { slotChannel } from "./keys.js";
import { type QueueMetrics, createQueueMetrics } from "./metrics.js";
import { loadRoomConfig, reconcileRoom } from "./rooms.js";
import { type PublishedSnapshot, RoomCache } from "./snapshots.js";
import { computeStatus, needsRecord } from "./status.js";
import { type JoinLimit, RoomStore, type TicketRecord } from "./store.js";
import { signTicket, ticketId, verifyTicket } from "./ticket.js";
import type { BeginResult, RoomConfig, TicketRef, TicketStatus } from "./types.js";
import { DEFAULT_PACE_RULE, UpdatePace } from "./update-pace.js";
import { TicketWatcher, type WatchDeps, type WatchHandle, type WatchSink, type WatchedStatus } from "./watcher.js";

export interface QueueConfig {
  redisUrl: string;
  kafkaBrokers: string[];
  topic: string;
  /** Secret for ticket signatures. */
  secret: string;
  db: Database;
  /** Redis key prefix; tests use a random one. */
  prefix?: string;
  heartbeatGraceSec?: number;
  /**
   * A waiting watcher hears "the line moved" at most this often (default 1000 ms), and, far back,
   * as rarely as `watchMaxIntervalMs` (default 5000 ms; see watchIntervalMs); state changes
   * (admitted, sold out, …) are sent at once. Bounds SSE fan-out cost to watchers × 1/s.
   */
  watchMinIntervalMs?: number;
  watchMaxIntervalMs?: number;
  /**
   * How far those intervals stretch while this process's event loop is saturated (default 4; 1
   * never stretches them): see update-pace.ts.
   */
  watchMaxStretch?: number;
  /** How long a produce request of joins waits for more to ride along (default JOIN_LINGER_MS). */
  joinLingerMs?: number;
  /** Waiting joins at which a produce request leaves without lingering (default JOIN_FULL_BATCH). */
  joinFullBatch?: number;
  clientId?: string;
  metrics?: QueueMetrics;
}

/**
 * The waiting room as the API sees it: join, status, watch, leave, and the checkout slot.
 * Admission itself runs in the worker (see admission.ts).
 */
export class Queue {
  readonly store: RoomStore;
  readonly rooms: RoomCache;
  readonly metrics: QueueMetrics;
  readonly redis: Redis;
  private readonly subscriber: Redis;
  private readonly kafka: Kafka;
  private readonly log: JoinLog;
  private readonly heartbeats: HeartbeatBuffer;
  private readonly knownRooms = new Set<number>();
  private readonly watchDeps: WatchDeps;
  private readonly pace: UpdatePace;

  constructor(readonly config: QueueConfig) {
    // Auto-pipelining turns thousands of concurrent joins into few round trips.
    this.redis = new Redis(config.redisUrl, { enableAutoPipelining: true, maxRetriesPerRequest: 2, lazyConnect: false });
    this.subscriber = this.redis.duplicate();
    this.store = new RoomStore(this.redis, config.prefix ?? "qd");
    this.rooms = new RoomCache(this.store, this.subscriber);
    this.metrics = config.metrics ?? createQueueMetrics();
    this.kafka = new Kafka({
      clientId: config.clientId ?? "quickdeal-api",
      brokers: config.kafkaBrokers,
      logLevel: logLevel.NOTHING,
      connectionTimeout: 3000,
      requestTimeout: 5000,
      retry: { retries: 2, initialRetryTime: 100, maxRetryTime: 1000 },
    });
    this.log = new JoinLog(this.kafka, config.topic, 2000, ({ size, sendMs, waitsMs, lingerMs }) => {
      this.metrics.produceBatch.observe(size);
      this.metrics.produceSeconds.observe(sendMs / 1000);
      this.metrics.joinLogLinger.observe(lingerMs / 1000);
      for (const ms of waitsMs) this.metrics.joinLogWait.observe(ms / 1000);
    }, config.joinLingerMs, config.joinFullBatch);
    this.heartbeats = new HeartbeatBuffer(this.store, Math.max(1000, ((config.heartbeatGraceSec ?? 120) * 1000) / 4));
    this.pace = new UpdatePace(
      { ...DEFAULT_PACE_RULE, maxStretch: config.watchMaxStretch ?? DEFAULT_PACE_RULE.maxStretch },
      {
        changed: (s) => this.metrics.watchStretch.set(s),
        spent: (s, ms) => this.metrics.watchStretchSeconds.inc({ factor: String(s) }, ms / 1000),
      },
    );
    this.metrics.watchStretch.set(this.pace.stretch);
    this.watchDeps = {
      on: (productId, listener) => this.rooms.on(productId, listener),
      onTicket: (productId, seq, listener) => this.rooms.onTicket(productId, seq, listener),
      peek: (productId) => this.rooms.peek(productId),
      statusNow: (ticket, ref, record) => this.statusNow(ticket, ref, record),
      load: (ticket, ref, record) => this.loadStatus(ticket, ref, record),
      minIntervalMs: config.watchMinIntervalMs ?? 1000,
      maxIntervalMs: config.watchMaxIntervalMs ?? 5000,
      stretch: () => this.pace.stretch,
      opened: () => this.metrics.watchers.inc(),
      closed: () => this.metrics.watchers.dec(),
    };
  }

  async start(): Promise<void> {
    await this.rooms.start();
    this.heartbeats.start();
    this.pace.start();
    // In the background: a process must come up (and serve status reads) even while Kafka is away.
    void this.log.warm();
  }

  /** Makes sure Redis has the room for a product (first join after a deploy or a Redis loss). */
  async ensureRoom(productIdOrConfig: number | RoomConfig): Promise<void> {
    const productId = typeof productIdOrConfig === "number" ? productIdOrConfig : productIdOrConfig.productId;
    if (this.knownRooms.has(productId) && typeof productIdOrConfig === "number") return;
    if (typeof productIdOrConfig === "number" && (await this.store.hasRoom(productId))) {
      this.knownRooms.add(productId);
      return;
    }
    const cfg = typeof productIdOrConfig === "number" ? await loadRoomConfig(this.config.db, productId) : productIdOrConfig;
    await this.store.initRoom(cfg);
    this.knownRooms.add(productId);
  }

  /**
   * Takes a place in line (or returns the one the user has) and answers after Kafka acknowledged it.
   * With a `limit` the join script counts the attempt first and refuses one past its points
   * (QueueError "RATE_LIMITED"); the worker, tests and other trusted callers pass none.
   */
  async join(userId: string, productId: number, now = Date.now(), limit?: JoinLimit): Promise<TicketStatus> {
    let placed: Awaited<ReturnType<RoomStore["join"]>> | null = null;
    try {
      // The room may be missing in Redis: run the script before making it anyway, so the limit
      // counts this attempt too (a product that does not exist included, as when the API counted
      // before joining); a missing room is then made and joined without counting twice.
      const countFirst = limit !== undefined && !this.knownRooms.has(productId);
      if (countFirst) {
        placed = await this.store.join(productId, userId, now, limit).catch((err: unknown) => {
          if (err instanceof QueueError && err.code === "NOT_FOUND") return null;
          throw err;
        });
        if (placed) this.knownRooms.add(productId);
      }
      if (!placed) {
        await this.ensureRoom(productId);
        placed = await this.store.join(productId, userId, now, countFirst ? undefined : limit);
      }
    } catch (err) {
      if (err instanceof QueueError) this.metrics.joinFailures.inc({ reason: err.code });
      throw err;
    }
    if (placed.created) {
      try {
        await this.log.append({ p: productId, s: placed.seq, u: userId, t: now });
      } catch (err) {
        // Not in the log means nobody would ever admit it: take the place back so a retry works.
        await this.store.cancel(productId, placed.seq, userId).catch(() => undefined);
        this.metrics.joinFailures.inc({ reason: "UNAVAILABLE" });
        throw err;
      }
      this.metrics.joins.inc({ product: String(productId) });
    }
    const ticket = signTicket(this.config.secret, { productId, seq: placed.seq, userId });
    return this.statusOf(ticket, { productId, seq: placed.seq, userId });
  }

  /** The user's current ticket for a product, if any (a second tab or device finds its place). */
  async mine(userId: string, productId: number): Promise<TicketStatus | null> {
    const seq = await this.store.ticketOf(productId, userId);
    if (seq === null) return null;
    const ticket = signTicket(this.config.secret, { productId, seq, userId });
    return this.statusOf(ticket, { productId, seq, userId });
  }

  verify(ticket: string, userId: string): TicketRef {
    const ref = verifyTicket(this.config.secret, ticket);
    if (ref.userId !== userId) throw new QueueError("BAD_TICKET", "This ticket belongs to someone else.");
    return ref;
  }

  async status(ticket: string, userId: string): Promise<TicketStatus> {
    const ref = this.verify(ticket, userId);
    return this.statusOf(ticket, ref);
  }

  private async statusOf(ticket: string, ref: TicketRef, known?: TicketRecord | null): Promise<TicketStatus> {
    return (await this.resolve(ticket, ref, known ?? null)).status;
  }

  /** The status from the room snapshot, reading the ticket's record only when needed (`read` is that record). */
  private async resolve(
    ticket: string,
    ref: TicketRef,
    known: TicketRecord | null,
  ): Promise<{ status: TicketStatus; room: PublishedSnapshot; read?: TicketRecord }> {
    const room = await this.rooms.get(ref.productId);
    if (!room) throw new QueueError("NOT_FOUND", "This waiting room does not exist.");
    const left = await this.rooms.leftSeqs(ref.productId);
    let record = known;
    let read: TicketRecord | undefined;
    if (!record && needsRecord(ref, room, left)) {
      record = await this.store.ticket(ref.productId, ref.seq);
      if (!record) throw new QueueError("BAD_TICKET", "This ticket is no longer in line.");
      read = record;
    }
    const status = computeStatus(ticket, ref, room, record, left);
    if (status.state === "WAITING") this.heartbeats.mark(ref.productId, ref.seq);
    return { status, room, read };
  }


  /**
   * Pushes the ticket's status now and whenever it changes to `sink`, until a final state, a
   * failure, or `stop()`. Woken by the room's snapshots (one Redis subscription per process), it
   * reads the ticket from Redis only when the snapshot says the ticket may have moved. Throws
   * QueueError BAD_TICKET at once for a forged or foreign ticket.
   */
  follow(ticket: string, userId: string, sink: WatchSink): WatchHandle {
    const ref = this.verify(ticket, userId);
    return new TicketWatcher(this.watchDeps, ticket, ref, sink).start();
  }

  /** The same as an async generator: each status is computed when the consumer asks for it. */
  async *watch(ticket: string, userId: string, signal?: AbortSignal): AsyncGenerator<TicketStatus> {
    const ref = this.verify(ticket, userId);
    if (signal?.aborted) return;
    const ready: TicketStatus[] = [];
    let finished = false;
    let failure: { err: unknown } | null = null;
    let wakeUp: (() => void) | null = null;
    const wake = () => wakeUp?.();
    const watcher = new TicketWatcher(
      this.watchDeps,
      ticket,
      ref,
      {
        next: (status) => {
          ready.push(status);
          wake();
          // Full after each status: the next one is computed when the consumer asks again.
          return false;
        },
        done: () => {
          finished = true;
          wake();
        },
        fail: (err) => {
          failure = { err };
          wake();
        },
      },
      true,
    ).start();
    signal?.addEventListener("abort", wake);
    try {
      while (!signal?.aborted) {
        const status = ready.shift();
        if (status) {
          yield status;
          continue;
        }
        if (failure) throw (failure as { err: unknown }).err;
        if (finished) return;
        await new Promise<void>((resolve) => {
          wakeUp = resolve;
          watcher.resume();
        });
        wakeUp = null;
      }
    } finally {
      watcher.stop();
      signal?.removeEventListener("abort", wake);
    }
  }

  /**
   * A watcher's status from what this process holds in memory, or null when that needs Redis
   * (room or left list not loaded, or the ticket's record is needed and not known).
   */
  private statusNow(ticket: string, ref: TicketRef, record: TicketRecord | null): WatchedStatus | null {
    const room = this.rooms.peek(ref.productId);
    if (!room) return null;
    const left = this.rooms.leftSeqsNow(ref.productId);
    if (!left) return null;
    if (!record && needsRecord(ref, room, left)) return null;
    const status = computeStatus(ticket, ref, room, record, left);
    if (status.state === "WAITING") this.heartbeats.mark(ref.productId, ref.seq);
    return { status, leftCount: room.leftCount, roomVersion: room.version };
  }

  private async loadStatus(ticket: string, ref: TicketRef, known: TicketRecord | null): Promise<WatchedStatus> {
    const r = await this.resolve(ticket, ref, known);
    return { status: r.status, leftCount: r.room.leftCount, roomVersion: r.room.version, record: r.read };
  }

  async leave(ticket: string, userId: string): Promise<TicketStatus> {
    const ref = this.verify(ticket, userId);
    const r = await this.store.leave(ref.productId, ref.seq);
    if (r === "released") await this.redis.publish(slotChannel(this.store.prefix), String(ref.productId));
    await this.rooms.refresh(ref.productId);
    return this.statusOf(ticket, ref, await this.store.ticket(ref.productId, ref.seq));
  }

  async heartbeat(ticket: string, userId: string): Promise<void> {
    const ref = this.verify(ticket, userId);
    this.heartbeats.mark(ref.productId, ref.seq);
  }

  /** The checkout slot: begin → (order + charge in the API) → complete, or abandon on failure. */
  readonly checkout = {
    begin: async (ticket: string, userId: string, now = Date.now()): Promise<BeginResult & { ref: TicketRef; ticketId: string }> => {
      const ref = this.verify(ticket, userId);
      const r = await this.store.begin(ref.productId, ref.seq, now);
      return { ...r, ref, ticketId: ticketId(ref) };
    },
    complete: async (ticket: string, userId: string, orderId: number): Promise<void> => {
      const ref = this.verify(ticket, userId);
      // One script: the ticket, the freed slot's message to the workers, and the room as it is now.
      const r = await this.store.complete(ref.productId, ref.seq, orderId);
      this.rooms.acceptRead(r.room, r.leftCount);
    },
    abandon: async (ticket: string, userId: string, now = Date.now()): Promise<void> => {
      const ref = this.verify(ticket, userId);
      const r = await this.store.abandon(ref.productId, ref.seq, now);
      if (r === "expired") await this.redis.publish(slotChannel(this.store.prefix), String(ref.productId));
    },
  };

  /** Operator actions. */
  readonly admin = {
    pause: async (productId: number, paused: boolean) => {
      await this.ensureRoom(productId);
      await this.store.setPaused(productId, paused);
      if (!paused) await this.redis.publish(slotChannel(this.store.prefix), String(productId));
      await this.rooms.refresh(productId);
    },
    /** Settings changed in MySQL (capacity, TTL, window): mirror them; a stock change moves the pool. */
    updateRoom: async (cfg: RoomConfig, stockDelta = 0) => {
      if (!(await this.store.hasRoom(cfg.productId))) return;
      await this.store.initRoom(cfg);
      if (stockDelta !== 0) await this.store.restock(cfg.productId, stockDelta);
      await this.redis.publish(slotChannel(this.store.prefix), String(cfg.productId));
      await this.rooms.refresh(cfg.productId);
    },
    reconcile: (productId: number) => reconcileRoom(this.config.db, this.store, productId),
    room: (productId: number) => this.rooms.get(productId),
  };

  /** Liveness of Redis and Kafka, for /healthz. */
  async health(): Promise<{ redis: boolean; kafka: boolean }> {
    const redis = await this.redis.ping().then(
      () => true,
      () => false,
    );
    const admin = this.kafka.admin();
    const kafka = await admin
      .connect()
      .then(() => admin.listTopics())
      .then(
        () => true,
        () => false,
      )
      .finally(() => admin.disconnect().catch(() => undefined));
    return { redis, kafka };
  }

  async close(): Promise<void> {
    this.pace.stop();
    this.heartbeats.stop();
    await this.heartbeats.flush().catch(() => undefined);
    await this.log.close();
    this.subscriber.disconnect();
    this.redis.disconnect();
  }
}

export function createQueue(config: QueueConfig): Queue {
  return new Queue(config);
}

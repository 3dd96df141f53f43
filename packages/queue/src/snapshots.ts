import type { Redis } from "ioredis";
import { snapshotChannel, ticketChannel } from "./keys.js";
import type { RoomCounters, RoomStore } from "./store.js";
import type { RoomSnapshot } from "./types.js";

export interface PublishedSnapshot extends RoomSnapshot {
  /** Waiting tickets that left and are still ahead of the serving point. */
  leftCount: number;
}

/**
 * Every room snapshot a process holds is made here, whether read from Redis or from the worker's
 * JSON: one object layout for all of them. Spreads and JSON.parse each made their own, and a
 * whole-number admission rate another, so the status code optimised for one met the others
 * during a sale and was thrown away and compiled again ("wrong map").
 */
export function snapshotOf(room: RoomCounters, rate: number, at: number, leftCount: number): PublishedSnapshot {
  return {
    productId: room.productId,
    seq: room.seq,
    serving: room.serving,
    admitted: room.admitted,
    reservable: room.reservable,
    sold: room.sold,
    capacity: room.capacity,
    ttlMs: room.ttlMs,
    startsAt: room.startsAt,
    endsAt: room.endsAt,
    paused: room.paused,
    soldOut: room.soldOut,
    admittedTotal: room.admittedTotal,
    version: room.version,
    rate,
    at,
    leftCount,
  };
}
// Made once with fractions where a sale has them: V8 then lays out `rate`, `at` and the times as
// doubles from the start, so a sale's first fractional rate does not change the layout in use.
snapshotOf(
  { productId: 0, seq: 0, serving: 0, admitted: 0, reservable: 0, sold: 0, capacity: 0, ttlMs: 0, startsAt: 0.5, endsAt: 0.5, paused: false, soldOut: false, admittedTotal: 0, version: 0 },
  0.5,
  0.5,
  0,
);

type Listener = (room: PublishedSnapshot) => void;
type TicketListener = () => void;

/**
 * Each API process keeps the latest snapshot of every room in memory, fed by ONE Redis
 * subscription, and fans updates out to its watchers. A room seen for the first time is read from
 * Redis once.
 *
 * Watchers hear a room at most once per `notifyIntervalMs`, with its newest snapshot: every
 * checkout this process completes refreshes the room, and calling 20,000 listeners once per
 * checkout (hundreds a second) cost more API CPU than the checkouts themselves.
 *
 * The same subscription carries the ticket channel: a ticket holding a unit is announced when a
 * script changes it, and only its own watcher (if it is in this process) hears of it. After the
 * subscription was lost and made again, every room is read again and every ticket watcher told,
 * since announcements made meanwhile are gone.
 */
export class RoomCache {
  private rooms = new Map<number, PublishedSnapshot>();
  private left = new Map<number, { count: number; serving: number; seqs: number[] }>();
  private listeners = new Map<number, Set<Listener>>();
  private loading = new Map<number, Promise<PublishedSnapshot | null>>();
  private pending = new Map<number, NodeJS.Timeout>();
  private notifiedAt = new Map<number, number>();
  /** Ticket watchers by `<productId>:<seq>`, the form the scripts announce. */
  private ticketListeners = new Map<string, Set<TicketListener>>();
  private started: Promise<void> | null = null;
  private lostSubscription = false;

  constructor(
    private readonly store: RoomStore,
    private readonly subscriber: Redis,
    private readonly notifyIntervalMs = 50,
  ) {}

  start(): Promise<void> {
    this.started ??= (async () => {
      const tickets = ticketChannel(this.store.prefix);
      this.subscriber.on("message", (channel: string, message: string) => {
        if (channel === tickets) {
          this.ticketChanged(message);
          return;
        }
        try {
          const s = JSON.parse(message) as PublishedSnapshot;
          this.accept(snapshotOf(s, s.rate, s.at, s.leftCount));
        } catch {
          // A malformed snapshot is ignored; the next one replaces it.
        }
      });
      // ioredis subscribes again by itself after a reconnect; what was published meanwhile is lost.
      this.subscriber.on("reconnecting", () => {
        this.lostSubscription = true;
      });
      this.subscriber.on("ready", () => {
        if (!this.lostSubscription) return;
        this.lostSubscription = false;
        // ioredis sends its SUBSCRIBE right after this event; a PING behind it answers once the
        // announcements arrive again, and only then is everything re-read.
        setImmediate(() => {
          this.subscriber.ping().then(
            () => this.resync(),
            () => this.resync(),
          );
        });
      });
      await this.subscriber.subscribe(snapshotChannel(this.store.prefix), tickets);
    })();
    return this.started;
  }

  /** Latest snapshot, loading it from Redis when this process has not seen the room yet. */
  async get(productId: number): Promise<PublishedSnapshot | null> {
    const known = this.rooms.get(productId);
    if (known) return known;
    let pending = this.loading.get(productId);
    if (!pending) {
      pending = this.refresh(productId).finally(() => this.loading.delete(productId));
      this.loading.set(productId, pending);
    }
    return pending;
  }

  peek(productId: number): PublishedSnapshot | undefined {
    return this.rooms.get(productId);
  }

  all(): PublishedSnapshot[] {
    return [...this.rooms.values()];
  }

  /** Reads the room from Redis now (after this process changed it, or on first sight). */
  async refresh(productId: number): Promise<PublishedSnapshot | null> {
    const [room, leftCount] = await Promise.all([this.store.room(productId), this.store.redis.zcard(this.store.keys(productId).left)]);
    return this.acceptRead(room, leftCount);
  }

  /** Takes a room this process just read from Redis (refresh, or a script that returned it). */
  acceptRead(room: RoomCounters | null, leftCount: number): PublishedSnapshot | null {
    if (!room) return null;
    const productId = room.productId;
    const prev = this.rooms.get(productId);
    const snap = snapshotOf(room, prev?.rate ?? 0, Date.now(), leftCount);
    // Never move backwards: a published snapshot may be newer than what we just read.
    if (prev && prev.version > snap.version) return prev;
    this.accept(snap);
    return snap;
  }

  /** Sorted seqs of waiting tickets that left ahead of the serving point. */
  async leftSeqs(productId: number): Promise<number[]> {
    const known = this.leftSeqsNow(productId);
    if (known) return known;
    const room = this.rooms.get(productId);
    if (!room) return [];
    const seqs = await this.store.leftAhead(productId, room.serving);
    this.left.set(productId, { count: room.leftCount, serving: room.serving, seqs });
    return seqs;
  }

  /** The left list when this process already has it for the newest snapshot, without a Redis call. */
  leftSeqsNow(productId: number): number[] | undefined {
    const room = this.rooms.get(productId);
    if (!room || room.leftCount === 0) return [];
    const cached = this.left.get(productId);
    if (cached && cached.count === room.leftCount && cached.serving === room.serving) return cached.seqs;
    return undefined;
  }

  on(productId: number, listener: Listener): () => void {
    return addListener(this.listeners, productId, listener);
  }

  accept(snap: PublishedSnapshot): void {
    const prev = this.rooms.get(snap.productId);
    if (prev && prev.version > snap.version && prev.seq >= snap.seq) return;
    this.rooms.set(snap.productId, snap);
    const id = snap.productId;
    if (!this.listeners.has(id) || this.pending.has(id)) return;
    // Even with no wait, a timer gathers the snapshots of one burst into one pass over the watchers.
    const wait = Math.max(0, (this.notifiedAt.get(id) ?? 0) + this.notifyIntervalMs - Date.now());
    const timer = setTimeout(() => this.notify(id), wait);
    timer.unref();
    this.pending.set(id, timer);
  }

  private notify(productId: number): void {
    this.pending.delete(productId);
    this.notifiedAt.set(productId, Date.now());
    const snap = this.rooms.get(productId);
    const set = this.listeners.get(productId);
    if (snap && set) for (const l of set) l(snap);
  }

  /** Calls `listener` whenever a script announces a change of this ticket. */
  onTicket(productId: number, seq: number, listener: TicketListener): () => void {
    return addListener(this.ticketListeners, `${productId}:${seq}`, listener);
  }

  private ticketChanged(key: string): void {
    const set = this.ticketListeners.get(key);
    if (set) for (const l of set) l();
  }

  /** After a lost subscription: fresh rooms, and every ticket watcher re-reads its ticket. */
  private resync(): void {
    for (const productId of this.rooms.keys()) void this.refresh(productId).catch(() => undefined);
    for (const set of this.ticketListeners.values()) for (const l of set) l();
  }

  watcherCount(): number {
    let n = 0;
    for (const s of this.listeners.values()) n += s.size;
    return n;
  }
}

/** Adds a listener under a key; the returned function removes it, and the key once it has none. */
function addListener<K, L>(map: Map<K, Set<L>>, key: K, listener: L): () => void {
  let set = map.get(key);
  if (!set) {
    set = new Set();
    map.set(key, set);
  }
  const mine = set;
  mine.add(listener);
  return () => {
    mine.delete(listener);
    if (mine.size === 0 && map.get(key) === mine) map.delete(key);
  };
}

/**
 * Worker side: reads each active room a few times a second and publishes a snapshot when it
 * changed, with the admission rate measured here. Cost is O(rooms), whatever the crowd size.
 */
export class SnapshotPublisher {
  private last = new Map<number, { version: number; seq: number; leftCount: number; admittedTotal: number; at: number; rate: number; sentAt: number }>();
  private timer: NodeJS.Timeout | null = null;

  constructor(
    private readonly store: RoomStore,
    private readonly onRoom?: (snap: PublishedSnapshot) => void,
    private readonly intervalMs = 200,
  ) {}

  start(): void {
    const tick = async () => {
      try {
        await this.publishAll();
      } catch {
        // Redis hiccup: the next tick tries again.
      }
      if (this.timer) this.timer = setTimeout(tick, this.intervalMs);
    };
    this.timer = setTimeout(tick, 0);
  }

  stop(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
  }

  async publishAll(now = Date.now()): Promise<number> {
    let sent = 0;
    for (const productId of await this.store.activeRooms()) {
      if (await this.publishRoom(productId, now)) sent++;
    }
    return sent;
  }

  async publishRoom(productId: number, now = Date.now()): Promise<boolean> {
    const [room, leftCount] = await Promise.all([this.store.room(productId), this.store.redis.zcard(this.store.keys(productId).left)]);
    if (!room) return false;
    const prev = this.last.get(productId);
    let rate = prev?.rate ?? 0;
    if (prev) {
      const dt = (now - prev.at) / 1000;
      if (dt > 0) {
        const instant = (room.admittedTotal - prev.admittedTotal) / dt;
        // Smooth over ~2 s so one burst does not swing everyone's ETA.
        const alpha = Math.min(1, dt / 2);
        rate = rate + alpha * (instant - rate);
        if (rate < 0.01) rate = 0;
      }
    }
    const changed = !prev || prev.version !== room.version || prev.seq !== room.seq || prev.leftCount !== leftCount;
    // Re-send at least every 2 s so a process that missed a message (or the rate decaying) catches up.
    const stale = !prev || now - prev.sentAt > 2000;
    const snap = snapshotOf(room, Math.round(rate * 100) / 100, now, leftCount);
    this.last.set(productId, {
      version: room.version,
      seq: room.seq,
      leftCount,
      admittedTotal: room.admittedTotal,
      at: now,
      rate,
      sentAt: changed || stale ? now : (prev?.sentAt ?? now),
    });
    this.onRoom?.(snap);
    if (!changed && !stale) return false;
    await this.store.redis.publish(snapshotChannel(this.store.prefix), JSON.stringify(snap));
    return true;
  }
}

import type { PublishedSnapshot } from "./snapshots.js";
import { TERMINAL, onlyNumbersMoved, updateIntervalMs } from "./status.js";
import type { TicketRecord } from "./store.js";
import type { TicketRef, TicketStatus } from "./types.js";

/**
 * A record in a state whose changes are not announced (waiting, but at or behind the serving point:
 * parked while the room is full) is re-read at most this often, when the room's version moved.
 */
export const RECORD_READ_MS = 250;
/**
 * A ticket holding a unit (admitted, paying) is re-read when the script that changes it announces it
 * on the ticket channel; as a safety net (an announcement lost with a dropped connection, or made by
 * an older version's script) also when the room moved and its record is this old.
 */
export const RECORD_REFRESH_MS = 5_000;
/** States whose every change is announced on the ticket channel (begin, complete, abandon, expire, leave). */
const ANNOUNCED: ReadonlySet<TicketStatus["state"]> = new Set(["ADMITTED", "PAYING"]);
/** With nothing new, a watcher still recomputes this often: it marks the heartbeat and freshens the ETA. */
export const IDLE_RECHECK_MS = 15_000;

/** What a watcher computed: the status, and what it needs to know about the room it came from. */
export interface WatchedStatus {
  status: TicketStatus;
  leftCount: number;
  roomVersion: number;
  /** Set when the ticket's record was read from Redis for this status. */
  record?: TicketRecord;
}

/** Where a watcher's statuses go (an SSE stream, or the async generator of `Queue.watch`). */
export interface WatchSink {
  /** A status to deliver; false when the receiver is full: nothing more until `resume()`. */
  next(status: TicketStatus): boolean;
  /** The ticket reached a final state; its status was the last `next`. */
  done(): void;
  /** Reading the ticket failed (Redis away, ticket gone); the watch has ended. */
  fail(err: unknown): void;
}

export interface WatchHandle {
  /** The receiver has room again: deliver what changed meanwhile. */
  resume(): void;
  /** The receiver left: unsubscribe and drop the timers. Safe to call more than once. */
  stop(): void;
}

/** What a watcher needs from the Queue: the room's snapshots and two ways to compute a status. */
export interface WatchDeps {
  on(productId: number, listener: (snap: PublishedSnapshot) => void): () => void;
  /** Announcements of this ticket's changes (ticket channel). */
  onTicket(productId: number, seq: number, listener: () => void): () => void;
  peek(productId: number): PublishedSnapshot | undefined;
  /** From memory, or null when Redis is needed. */
  statusNow(ticket: string, ref: TicketRef, record: TicketRecord | null): WatchedStatus | null;
  load(ticket: string, ref: TicketRef, record: TicketRecord | null): Promise<WatchedStatus>;
  minIntervalMs: number;
  maxIntervalMs: number;
  /** Factor on those intervals now: more than 1 while the process is saturated (update-pace.ts). */
  stretch(): number;
  opened(): void;
  closed(): void;
}

/**
 * The zero of the fields that later hold times: -0 is stored as a double, so V8 lays those fields
 * out as doubles from the first watcher on. Starting from the small integer 0, the first timestamp
 * a sale writes into one of them changed the class's layout under thousands of live watchers,
 * and every optimised caller that met an older one was thrown away ("wrong map").
 */
const NO_TIME = -0;

/**
 * One ticket's watch, driven by the room's snapshots and pushed to a sink: no promise, generator
 * step or timer allocation per event (with 19,000 streams in one process, that machinery was about
 * a quarter of the sale's API CPU in the profiles). Most wake-ups compute the status from memory;
 * only tickets at or past the serving point ever read their record from Redis.
 *
 * The rules: a state change is sent at once; "the line moved" is held back to one update per
 * interval (updateIntervalMs, stretched while the process is saturated), and a held watcher is
 * woken early only by a snapshot that may change its state; a ticket holding a unit re-reads its
 * record when its change is announced (polling 2,000 holders every 250 ms was half of Redis's
 * commands in a sale, ~21 reads per order); a receiver that is full gets the newest status when it
 * has room, never a backlog.
 */
export class TicketWatcher implements WatchHandle {
  private dirty = true;
  private holdUntil = NO_TIME;
  private heldLeftCount = -1;
  private record: TicketRecord | null = null;
  private recordVersion = -1;
  private recordReadAt = NO_TIME;
  /** A change of this ticket was announced since its record was read. */
  private recordStale = false;
  private sent: TicketStatus | null = null;
  private sentAt = NO_TIME;
  private loading = false;
  private ended = false;
  /** Wakes at the end of a hold, or after IDLE_RECHECK_MS; re-armed with refresh() while the delay stays the same. */
  private timer: NodeJS.Timeout | undefined;
  private timerAt = NO_TIME;
  /** A wake put off until the ticket's record may be read again. */
  private deferred: NodeJS.Timeout | undefined;
  private off: (() => void) | null = null;
  private offTicket: (() => void) | null = null;

  constructor(
    private readonly deps: WatchDeps,
    private readonly ticket: string,
    private readonly ref: TicketRef,
    private readonly sink: WatchSink,
    /** Starts full: the first status waits for `resume()` (the pull side asks for each one). */
    private full = false,
  ) {}

  start(): this {
    this.off = this.deps.on(this.ref.productId, this.onSnapshot);
    this.offTicket = this.deps.onTicket(this.ref.productId, this.ref.seq, this.onTicketChanged);
    this.deps.opened();
    if (!this.full) this.step();
    return this;
  }

  resume(): void {
    if (this.ended || !this.full) return;
    this.full = false;
    if (this.dirty) this.step();
    else this.arm();
  }

  stop(): void {
    if (this.ended) return;
    this.ended = true;
    clearTimeout(this.timer);
    clearTimeout(this.deferred);
    this.off?.();
    this.offTicket?.();
    this.deps.closed();
  }

  private readonly onSnapshot = (snap: PublishedSnapshot): void => {
    this.dirty = true;
    const record = this.record;
    const announced = record !== null && ANNOUNCED.has(record.state);
    if (this.holdUntil) {
      // A holder's own changes are announced, so a snapshot only moves its numbers: they wait for
      // the hold. A waiting watcher is woken early only by a snapshot that may change its state
      // (reached by the serving point, sold out, someone left).
      if (announced) return;
      if (!snap.soldOut && snap.serving < this.ref.seq && snap.leftCount === this.heldLeftCount) return;
    }
    // A record whose changes are not announced is re-read when the room moves, but at most every
    // RECORD_READ_MS, not on each snapshot.
    if (record && !announced && !TERMINAL.has(record.state)) {
      const wait = this.recordReadAt + RECORD_READ_MS - Date.now();
      if (wait > 0) {
        this.deferred ??= setTimeout(this.onDeferred, wait);
        return;
      }
    }
    this.wake();
  };

  private readonly onDeferred = (): void => {
    this.deferred = undefined;
    this.wake();
  };

  private readonly onTicketChanged = (): void => {
    this.recordStale = true;
    this.dirty = true;
    this.wake();
  };

  private readonly onTimer = (): void => {
    this.dirty = true;
    this.wake();
  };

  private wake(): void {
    if (this.ended || this.full || this.loading) return;
    this.step();
  }

  private step(): void {
    this.dirty = false;
    clearTimeout(this.deferred);
    this.deferred = undefined;
    const { ref } = this;
    const record = this.record;
    if (record && !TERMINAL.has(record.state)) {
      // A ticket's record only changes together with the room's version. Announced changes are
      // re-read at once; otherwise the record is re-read when the room moved and it is old enough.
      const age = Date.now() - this.recordReadAt;
      const moved = this.recordVersion !== this.deps.peek(ref.productId)?.version;
      if (this.recordStale || (moved && age >= (ANNOUNCED.has(record.state) ? RECORD_REFRESH_MS : RECORD_READ_MS))) {
        this.record = null;
      }
    }
    // The read about to happen (or this record, if terminal) is newer than any announcement so far.
    if (!this.record) this.recordStale = false;
    const now = this.deps.statusNow(this.ticket, ref, this.record);
    if (now) {
      this.apply(now);
      return;
    }
    this.loading = true;
    this.deps.load(this.ticket, ref, this.record).then(
      (status) => {
        this.loading = false;
        if (!this.ended) this.apply(status);
      },
      (err: unknown) => {
        this.loading = false;
        if (this.ended) return;
        this.stop();
        this.sink.fail(err);
      },
    );
  }

  private apply(w: WatchedStatus): void {
    if (w.record !== undefined) {
      this.record = w.record;
      this.recordVersion = w.roomVersion;
      this.recordReadAt = Date.now();
    }
    const current = w.status;
    const now = Date.now();
    // A hold that ran out with nothing new to say must not keep muting the watcher.
    if (this.holdUntil && now >= this.holdUntil) this.holdUntil = 0;
    let send = false;
    if (current.version !== this.sent?.version) {
      const interval = updateIntervalMs(current, this.deps.minIntervalMs, this.deps.maxIntervalMs) * this.deps.stretch();
      if (this.sent && onlyNumbersMoved(this.sent, current) && now - this.sentAt < interval) {
        // Only the numbers moved: coalesce into one update per interval.
        this.holdUntil = this.sentAt + interval;
        this.heldLeftCount = w.leftCount;
      } else {
        this.sent = current;
        this.sentAt = now;
        this.holdUntil = 0;
        send = true;
      }
    }
    const final = TERMINAL.has(current.state);
    if (send && !this.deliver(current)) this.full = true;
    if (this.ended) return;
    if (final) {
      this.stop();
      this.sink.done();
      return;
    }
    if (this.full) return;
    // A snapshot that came while the record was being read.
    if (this.dirty) this.step();
    else this.arm();
  }

  /**
   * The sink is called from the room's notification loop: one that throws must end its own watch,
   * not the loop (and the other watchers' updates with it).
   */
  private deliver(status: TicketStatus): boolean {
    try {
      return this.sink.next(status);
    } catch (err) {
      this.stop();
      this.sink.fail(err);
      return false;
    }
  }

  /** One timer per watcher: the idle wait re-arms it; only a hold, whose delay differs each time, makes a new one. */
  private arm(): void {
    const delay = this.holdUntil ? Math.max(0, this.holdUntil - Date.now()) : IDLE_RECHECK_MS;
    if (this.timer && this.timerAt === delay) {
      this.timer.refresh();
      return;
    }
    clearTimeout(this.timer);
    this.timer = setTimeout(this.onTimer, delay);
    this.timerAt = delay;
  }
}

import type { TicketRecord } from "./store.js";
import type { RoomSnapshot, TicketRef, TicketState, TicketStatus } from "./types.js";

/**
 * Whether a ticket's state can be told from the room snapshot alone. A ticket behind the serving
 * point is still waiting (unless it left, which the left list says), so the common case — tens of
 * thousands of shoppers waiting — costs no Redis call per shopper.
 */
export function needsRecord(ref: TicketRef, room: RoomSnapshot, leftSeqs: readonly number[]): boolean {
  if (room.soldOut) return false;
  if (ref.seq > room.serving) return false;
  return !includes(leftSeqs, ref.seq);
}

/** People ahead = my number − now serving − those between us who left. */
export function peopleAhead(seq: number, room: RoomSnapshot, leftSeqs: readonly number[]): number {
  const gap = seq - room.serving - 1;
  if (gap <= 0) return 0;
  return Math.max(0, gap - countBetween(leftSeqs, room.serving, seq));
}

/** Seconds to admission at the measured rate; with no rate yet, the worst case of one room turn per TTL. */
export function etaSeconds(ahead: number, room: RoomSnapshot): number | null {
  if (ahead <= 0) return 0;
  const worstCase = room.ttlMs > 0 ? room.capacity / (room.ttlMs / 1000) : 0;
  const rate = Math.max(room.rate, worstCase);
  return rate > 0 ? Math.ceil(ahead / rate) : null;
}

export function computeStatus(
  ticket: string,
  ref: TicketRef,
  room: RoomSnapshot,
  record: TicketRecord | null,
  leftSeqs: readonly number[],
): TicketStatus {
  let state: TicketState;
  if (record) state = record.state;
  else if (includes(leftSeqs, ref.seq)) state = "LEFT";
  else state = "WAITING";
  if (state === "WAITING" && room.soldOut) state = "SOLD_OUT";

  const waiting = state === "WAITING";
  const ahead = waiting ? peopleAhead(ref.seq, room, leftSeqs) : 0;
  const status: TicketStatus = {
    ticket,
    productId: ref.productId,
    seq: ref.seq,
    state,
    ahead,
    etaSec: waiting ? etaSeconds(ahead, room) : null,
    stockLeft: Math.max(0, room.reservable),
    admitted: room.admitted,
    capacity: room.capacity,
    expiresAt: state === "ADMITTED" || state === "PAYING" ? (record?.expiresAt ?? null) : null,
    orderId: record?.orderId ?? null,
    version: "",
  };
  status.version = [state, ahead, status.etaSec, status.stockLeft, status.admitted, status.expiresAt, status.orderId].join(":");
  return status;
}

/**
 * How often a waiting watcher hears "the line moved": every `minMs` near the front, less often the
 * further back, so that an update never moves the ETA it shows by more than ~5 % (ETA / 20), and
 * at most `maxMs` apart. A shopper 10 minutes away gains nothing from a new figure every second,
 * and each one is a write to every watcher's socket. Changes of state (admitted, sold out) are not
 * held back at all.
 */
export function watchIntervalMs(etaSec: number | null, minMs: number, maxMs: number): number {
  const max = Math.max(minMs, maxMs);
  if (etaSec === null) return max;
  return Math.min(max, Math.max(minMs, etaSec * 50));
}

/**
 * Whether only numbers moved between two statuses of one ticket (people ahead, ETA, units left,
 * units held): same state, same hold expiry, same order. Such an update can wait for the watcher's
 * interval; anything else is news the shopper acts on and goes out at once.
 */
export function onlyNumbersMoved(prev: TicketStatus, next: TicketStatus): boolean {
  return prev.state === next.state && prev.expiresAt === next.expiresAt && prev.orderId === next.orderId;
}

/**
 * How long after the last update a numbers-only update may follow: a waiting shopper by its ETA
 * (watchIntervalMs); one holding a unit (admitted, paying) every `minMs`, because the room's
 * counters it shows ("units left") change with every admission, up to 20 times a second, and a
 * checkout page needs them no faster than a waiting one.
 */
export function updateIntervalMs(status: TicketStatus, minMs: number, maxMs: number): number {
  return status.state === "WAITING" ? watchIntervalMs(status.etaSec, minMs, maxMs) : minMs;
}

export const TERMINAL: ReadonlySet<TicketState> = new Set(["PURCHASED", "EXPIRED", "SOLD_OUT", "LEFT"]);

function includes(sorted: readonly number[], x: number): boolean {
  let lo = 0;
  let hi = sorted.length - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    const v = sorted[mid] as number;
    if (v === x) return true;
    if (v < x) lo = mid + 1;
    else hi = mid - 1;
  }
  return false;
}

/** Count of values v with lo < v < hi in a sorted array. */
function countBetween(sorted: readonly number[], lo: number, hi: number): number {
  return lowerBound(sorted, hi) - lowerBound(sorted, lo + 1);
}

function lowerBound(sorted: readonly number[], x: number): number {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if ((sorted[mid] as number) < x) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

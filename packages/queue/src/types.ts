/** Shapes shared by the engine, the worker and the API. Kept free of runtime code. */

export type TicketState = "WAITING" | "ADMITTED" | "PAYING" | "PURCHASED" | "EXPIRED" | "SOLD_OUT" | "LEFT";

/** One-letter codes stored in Redis (memory per waiting shopper matters at a million shoppers). */
export const STATE_CODE: Record<TicketState, string> = {
  WAITING: "W",
  ADMITTED: "A",
  PAYING: "P",
  PURCHASED: "D",
  EXPIRED: "E",
  SOLD_OUT: "S",
  LEFT: "L",
};
export const STATE_BY_CODE: Record<string, TicketState> = Object.fromEntries(
  Object.entries(STATE_CODE).map(([state, code]) => [code, state as TicketState]),
);

/** Room settings mirrored from the product row into Redis. */
export interface RoomConfig {
  productId: number;
  /** Units not yet sold (MySQL `product.stock`). */
  stock: number;
  initialStock: number;
  capacity: number;
  checkoutTtlSec: number;
  saleStartsAt: Date;
  saleEndsAt: Date | null;
  paused: boolean;
}

/** What every API process keeps in memory per room, fed by the worker's snapshots. */
export interface RoomSnapshot {
  productId: number;
  /** Last sequence number handed out. */
  seq: number;
  /** Highest sequence number admission has passed. */
  serving: number;
  /** Tickets holding a unit right now (ADMITTED + PAYING). */
  admitted: number;
  reservable: number;
  sold: number;
  capacity: number;
  ttlMs: number;
  startsAt: number;
  endsAt: number;
  paused: boolean;
  soldOut: boolean;
  /** Admissions per second, smoothed; drives ETAs. */
  rate: number;
  admittedTotal: number;
  /** Bumped by every script that changes tickets; a watcher re-reads its ticket only when it may have changed. */
  version: number;
  at: number;
}

export interface TicketStatus {
  ticket: string;
  productId: number;
  seq: number;
  state: TicketState;
  /** People ahead in line (0 once admitted or done). */
  ahead: number;
  /** Seconds until admission at the measured rate; null when unknown or not waiting. */
  etaSec: number | null;
  /** Units not sold and not held by anyone (what the line can still get). */
  stockLeft: number;
  admitted: number;
  capacity: number;
  /** Checkout deadline (epoch ms) while ADMITTED/PAYING. */
  expiresAt: number | null;
  orderId: number | null;
  /** Changes whenever anything shown here changes; used as the SSE event id. */
  version: string;
}

export interface TicketRef {
  productId: number;
  seq: number;
  userId: string;
}

export interface BeginResult {
  /** true when the ticket was already PURCHASED: orderId is then set. */
  alreadyPurchased: boolean;
  orderId: number | null;
  expiresAt: number;
}

// What the waiting room shows, derived from a TicketStatus (pure, so it is unit-tested).
import { aheadText, formatEta } from "./format";

export type TicketState = "WAITING" | "ADMITTED" | "PAYING" | "PURCHASED" | "EXPIRED" | "SOLD_OUT" | "LEFT";

export interface TicketLike {
  state: TicketState;
  seq: number;
  ahead: number;
  etaSec: number | null;
  stockLeft: number;
  admitted: number;
  capacity: number;
  expiresAt: number | null;
  orderId: number | null;
  version: string;
}

export interface RoomView {
  headline: string;
  detail: string;
  /** 0..100: how far through the line the shopper has come since joining. */
  progress: number;
  tone: "wait" | "go" | "done" | "bad";
  /** True when the page should go to checkout by itself. */
  goCheckout: boolean;
  final: boolean;
}

/**
 * Progress = share of the people ahead at join time who have since been served. `startAhead` is the
 * largest "ahead" seen for this ticket (kept by the page across reloads), so the bar only moves forward.
 */
export function progressPercent(ahead: number, startAhead: number): number {
  if (startAhead <= 0) return ahead <= 0 ? 100 : 0;
  const done = Math.max(0, startAhead - Math.max(0, ahead));
  return Math.min(100, Math.round((done / startAhead) * 100));
}

export function roomView(t: TicketLike, startAhead: number): RoomView {
  switch (t.state) {
    case "WAITING":
      return {
        headline: aheadText(t.ahead),
        detail: `Estimated wait: ${formatEta(t.etaSec)}`,
        progress: progressPercent(t.ahead, startAhead),
        tone: "wait",
        goCheckout: false,
        final: false,
      };
    case "ADMITTED":
    case "PAYING":
      return {
        headline: "It's your turn!",
        detail: "A unit is held for you. Taking you to checkout…",
        progress: 100,
        tone: "go",
        goCheckout: true,
        final: false,
      };
    case "PURCHASED":
      return { headline: "You bought it", detail: "Your order is confirmed.", progress: 100, tone: "done", goCheckout: false, final: true };
    case "SOLD_OUT":
      return {
        headline: "Sold out",
        detail: "Every unit has been sold. Sorry — you were not charged.",
        progress: 100,
        tone: "bad",
        goCheckout: false,
        final: true,
      };
    case "EXPIRED":
      return {
        headline: "Your hold expired",
        detail: "You were admitted but checkout was not completed in time, so the unit went to the next shopper.",
        progress: 100,
        tone: "bad",
        goCheckout: false,
        final: true,
      };
    case "LEFT":
      return { headline: "You left the line", detail: "You can join again while the sale lasts.", progress: 0, tone: "bad", goCheckout: false, final: true };
  }
}

/**
 * The freshest of several snapshots of one ticket (SSE, polling and the initial lookup race each
 * other). Versions are opaque strings, so freshness is the time each one was received.
 */
export function latest<T>(...candidates: Array<{ value: T | null | undefined; at: number }>): T | null {
  let best: { value: T; at: number } | null = null;
  for (const c of candidates) {
    if (c.value == null) continue;
    if (!best || c.at >= best.at) best = { value: c.value, at: c.at };
  }
  return best ? best.value : null;
}

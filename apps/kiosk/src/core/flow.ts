import type { CardDetails, OrderView, ProductCard, TicketStatus } from "./api.js";
import type { IdleConfig } from "./config.js";
import type { KioskError } from "./errors.js";
import type { Receipt } from "./receipt.js";

/**
 * The kiosk's flow as a pure state machine: attract → browse → joining → waiting → checkout →
 * receipt → attract, with notices for endings (sold out, hold expired, errors) and an
 * out-of-service screen while the device cannot sign in. `transition` returns the next state
 * and the effects to run; the controller runs them and feeds results back as events.
 */

export interface Notice {
  tone: "info" | "error";
  title: string;
  message: string;
  /** Where "OK" leads: a fresh start, or back to the product list for the same shopper. */
  next: "attract" | "browse";
}

export type KioskState =
  | { screen: "starting" }
  | { screen: "outOfService"; message: string; attempt: number }
  | { screen: "attract" }
  | { screen: "browse"; products: ProductCard[] | null; error: string | null; joinError: string | null }
  | { screen: "joining"; product: ProductCard }
  | { screen: "waiting"; product: ProductCard; ticket: TicketStatus }
  | {
      screen: "checkout";
      product: ProductCard;
      ticket: TicketStatus;
      paying: boolean;
      error: string | null;
      /** Kept after a failure whose outcome is unknown, so the retry cannot charge twice. */
      retryKey: string | null;
    }
  | { screen: "receipt"; product: ProductCard; order: OrderView; receipt: Receipt | null }
  | { screen: "notice"; notice: Notice };

export type Screen = KioskState["screen"];

/** What a person at the screen can do (the renderer sends these). */
export type UserEvent =
  | { type: "START" }
  | { type: "SELECT"; productId: number }
  | { type: "REFRESH" }
  | { type: "PAY"; card: CardDetails }
  | { type: "CANCEL" }
  | { type: "DONE" }
  | { type: "ACTIVITY" };

export type KioskEvent =
  | UserEvent
  | { type: "DEVICE_READY" }
  | { type: "DEVICE_FAILED"; error: KioskError }
  | { type: "RETRY_DEVICE" }
  | { type: "SHOPPER_FAILED"; error: KioskError }
  | { type: "PRODUCTS"; products: ProductCard[] }
  | { type: "PRODUCTS_FAILED"; error: KioskError }
  | { type: "JOINED"; ticket: TicketStatus }
  | { type: "JOIN_FAILED"; error: KioskError }
  | { type: "TICKET"; ticket: TicketStatus }
  | { type: "TICKET_FAILED"; error: KioskError }
  | { type: "PAY_STARTED"; card: CardDetails; key: string }
  | { type: "PAID"; order: OrderView }
  | { type: "PAY_FAILED"; error: KioskError; key: string }
  | { type: "RECEIPT"; receipt: Receipt }
  | { type: "IDLE_TIMEOUT" };

export type Effect =
  | { type: "signInDevice"; afterMs: number }
  | { type: "beginShopper" }
  | { type: "loadProducts" }
  | { type: "join"; productId: number }
  | { type: "watch"; ticket: string }
  | { type: "unwatch" }
  | { type: "pay"; ticket: string; card: CardDetails; idempotencyKey: string }
  | { type: "loadOrder"; orderId: number }
  | { type: "leave"; ticket: string }
  | { type: "buildReceipt"; order: OrderView; product: ProductCard }
  /** Drops the shopper's session and everything in flight for them. */
  | { type: "wipe" };

export interface Step {
  state: KioskState;
  effects: Effect[];
}

export const initialState: KioskState = { screen: "starting" };

/**
 * A ticket a payment may start for: ADMITTED, or PAYING as the live feed may still show this
 * kiosk's own attempt that just failed (the API refuses one that really is in progress elsewhere).
 */
export const PAYABLE: ReadonlySet<TicketStatus["state"]> = new Set(["ADMITTED", "PAYING"]);

const stay = (state: KioskState): Step => ({ state, effects: [] });

/** Backoff for device sign-in retries: 2 s, 4 s, … up to a minute. */
export function deviceRetryDelayMs(attempt: number): number {
  return Math.min(60_000, 2_000 * 2 ** Math.max(0, attempt - 1));
}

/** The ticket the screen holds, if any (so a reset can give the place back). */
export function heldTicket(state: KioskState): TicketStatus | null {
  if (state.screen === "waiting" || state.screen === "checkout") return state.ticket;
  return null;
}

/** Back to the attract screen: give back a held place or unit, stop watching, forget the shopper. */
export function reset(state: KioskState): Step {
  const effects: Effect[] = [];
  const held = heldTicket(state);
  if (held && (held.state === "WAITING" || held.state === "ADMITTED")) effects.push({ type: "leave", ticket: held.ticket });
  effects.push({ type: "unwatch" }, { type: "wipe" });
  return { state: { screen: "attract" }, effects };
}

function toBrowse(joinError: string | null = null): Step {
  return { state: { screen: "browse", products: null, error: null, joinError }, effects: [{ type: "loadProducts" }] };
}

function notice(n: Notice, effects: Effect[] = [{ type: "unwatch" }]): Step {
  return { state: { screen: "notice", notice: n }, effects };
}

/** What a ticket's new status means for the screen. */
function onTicket(state: KioskState, t: TicketStatus): Step {
  if (state.screen !== "joining" && state.screen !== "waiting" && state.screen !== "checkout") return stay(state);
  if (state.screen !== "joining" && state.ticket.ticket !== t.ticket) return stay(state);
  const product = state.product;
  switch (t.state) {
    case "WAITING":
      if (state.screen === "checkout") return stay(state);
      return stay({ screen: "waiting", product, ticket: t });
    case "ADMITTED":
    case "PAYING":
      if (state.screen === "checkout") return stay({ ...state, ticket: t });
      return stay({ screen: "checkout", product, ticket: t, paying: false, error: null, retryKey: null });
    case "PURCHASED":
      // The payment's answer normally brings the order; if it got lost, fetch the order instead.
      if (state.screen === "checkout" && !state.paying && t.orderId !== null) {
        return { state: { ...state, ticket: t, paying: true }, effects: [{ type: "loadOrder", orderId: t.orderId }] };
      }
      return stay(state.screen === "joining" ? state : { ...state, ticket: t });
    case "EXPIRED":
      return notice({
        tone: "info",
        title: "Time is up",
        message: "The item held for you went back to the line because checkout took too long.",
        next: "attract",
      });
    case "SOLD_OUT":
      return notice({
        tone: "info",
        title: "Sold out",
        message: `Sorry — ${product.name} sold out before your turn came.`,
        next: "browse",
      });
    case "LEFT":
      return reset({ screen: "attract" });
  }
}

export function transition(state: KioskState, event: KioskEvent): Step {
  switch (event.type) {
    case "ACTIVITY":
      return stay(state);

    case "DEVICE_READY":
      if (state.screen === "starting" || state.screen === "outOfService") return stay({ screen: "attract" });
      return stay(state);

    case "DEVICE_FAILED": {
      if (state.screen !== "starting" && state.screen !== "outOfService") return stay(state);
      const attempt = state.screen === "outOfService" ? state.attempt + 1 : 1;
      const message =
        event.error.kind === "unauthorized"
          ? "This kiosk could not sign in: its id or key is wrong, or it was revoked. Ask a store manager."
          : event.error.message;
      return {
        state: { screen: "outOfService", message, attempt },
        effects: [{ type: "signInDevice", afterMs: deviceRetryDelayMs(attempt) }],
      };
    }

    case "RETRY_DEVICE":
      if (state.screen !== "outOfService") return stay(state);
      return { state, effects: [{ type: "signInDevice", afterMs: 0 }] };

    case "START":
      if (state.screen !== "attract") return stay(state);
      return { state: { screen: "browse", products: null, error: null, joinError: null }, effects: [{ type: "beginShopper" }, { type: "loadProducts" }] };

    case "SHOPPER_FAILED": {
      if (state.screen === "attract" || state.screen === "starting" || state.screen === "outOfService") return stay(state);
      const r = reset(state);
      if (event.error.kind === "unauthorized") {
        return {
          state: { screen: "outOfService", message: "This kiosk's sign-in was refused. Ask a store manager.", attempt: 1 },
          effects: [...r.effects, { type: "signInDevice", afterMs: deviceRetryDelayMs(1) }],
        };
      }
      return notice({ tone: "error", title: "Sorry, the kiosk is having trouble", message: event.error.message, next: "attract" }, r.effects);
    }

    case "REFRESH":
      if (state.screen !== "browse") return stay(state);
      return { state: { ...state, error: null }, effects: [{ type: "loadProducts" }] };

    case "PRODUCTS":
      if (state.screen !== "browse") return stay(state);
      return stay({ ...state, products: event.products, error: null });

    case "PRODUCTS_FAILED":
      if (state.screen !== "browse") return stay(state);
      return stay({ ...state, error: event.error.message });

    case "SELECT": {
      if (state.screen !== "browse" || !state.products) return stay(state);
      const product = state.products.find((p) => p.id === event.productId);
      if (!product) return stay(state);
      if (product.saleState !== "on_sale" || product.paused) {
        return stay({ ...state, joinError: `${product.name} is not on sale right now.` });
      }
      return { state: { screen: "joining", product }, effects: [{ type: "join", productId: product.id }] };
    }

    case "JOINED": {
      if (state.screen !== "joining") return stay(state);
      const next = onTicket(state, event.ticket);
      // Final states (sold out before we got in) need no watching.
      const live = next.state.screen === "waiting" || next.state.screen === "checkout";
      return live ? { state: next.state, effects: [...next.effects, { type: "watch", ticket: event.ticket.ticket }] } : next;
    }

    case "JOIN_FAILED":
      if (state.screen !== "joining") return stay(state);
      if (event.error.kind === "unauthorized") return transition(state, { type: "SHOPPER_FAILED", error: event.error });
      return toBrowse(event.error.message);

    case "TICKET":
      return onTicket(state, event.ticket);

    case "TICKET_FAILED":
      if (state.screen !== "waiting" && state.screen !== "checkout") return stay(state);
      if (state.screen === "checkout" && state.paying) return stay(state);
      return notice(
        {
          tone: "error",
          title: "We lost track of your place",
          message:
            event.error.kind === "unauthorized"
              ? "Your kiosk session ran out. Please start again."
              : `${event.error.message} Please start again.`,
          next: "attract",
        },
        reset(state).effects,
      );

    case "PAY":
      // The controller adds the fresh idempotency key (PAY_STARTED); the card never enters the state.
      return stay(state);

    case "PAY_STARTED": {
      if (state.screen !== "checkout" || state.paying) return stay(state);
      if (!PAYABLE.has(state.ticket.state)) return stay(state);
      const idempotencyKey = state.retryKey ?? event.key;
      return {
        state: { ...state, paying: true, error: null, retryKey: idempotencyKey },
        effects: [{ type: "pay", ticket: state.ticket.ticket, card: event.card, idempotencyKey }],
      };
    }

    case "PAID":
      if (state.screen !== "checkout") return stay(state);
      return {
        state: { screen: "receipt", product: state.product, order: event.order, receipt: null },
        effects: [{ type: "unwatch" }, { type: "buildReceipt", order: event.order, product: state.product }],
      };

    case "PAY_FAILED": {
      if (state.screen !== "checkout" || !state.paying) return stay(state);
      if (event.error.kind === "unauthorized") return transition(state, { type: "TICKET_FAILED", error: event.error });
      // A refused card is a final answer for that attempt: the next try is a new payment.
      const unknownOutcome = event.error.kind === "offline" || event.error.kind === "internal";
      const message =
        event.error.kind === "declined"
          ? `${event.error.message} Try another card.`
          : event.error.kind === "offline"
            ? "The payment did not go through because the connection dropped. Please try again."
            : event.error.message;
      return stay({ ...state, paying: false, error: message, retryKey: unknownOutcome ? event.key : null });
    }

    case "RECEIPT":
      if (state.screen !== "receipt") return stay(state);
      return stay({ ...state, receipt: event.receipt });

    case "CANCEL":
      if (state.screen === "checkout" && state.paying) return stay(state);
      if (state.screen === "browse" || state.screen === "joining" || state.screen === "waiting" || state.screen === "checkout") {
        return reset(state);
      }
      return stay(state);

    case "DONE":
      if (state.screen === "receipt") return reset(state);
      if (state.screen === "notice") {
        if (state.notice.next === "browse") return toBrowse();
        return reset(state);
      }
      return stay(state);

    case "IDLE_TIMEOUT":
      if (state.screen === "starting" || state.screen === "outOfService" || state.screen === "attract") return stay(state);
      if (state.screen === "checkout" && state.paying) return stay(state);
      return reset(state);
  }
}

/** How long the screen may sit untouched before the kiosk resets; null = never. */
export function idleTimeoutMs(state: KioskState, idle: IdleConfig): number | null {
  switch (state.screen) {
    case "browse":
      return idle.browseSec * 1000;
    case "waiting":
      return idle.waitingSec * 1000;
    case "checkout":
      return state.paying ? null : idle.checkoutSec * 1000;
    case "receipt":
      return idle.receiptSec * 1000;
    case "notice":
      return idle.noticeSec * 1000;
    default:
      return null;
  }
}

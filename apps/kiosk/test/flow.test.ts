import { describe, expect, it } from "vitest";
import { KioskError } from "../src/core/errors.js";
import { type Effect, idleTimeoutMs, type KioskEvent, type KioskState, reset, transition } from "../src/core/flow.js";
import { CARD, idle, order, product, ticket } from "./fixtures.js";

function run(state: KioskState, ...events: KioskEvent[]): { state: KioskState; effects: Effect[] } {
  let s = state;
  const effects: Effect[] = [];
  for (const e of events) {
    const step = transition(s, e);
    s = step.state;
    effects.push(...step.effects);
  }
  return { state: s, effects };
}

const browsing: KioskState = { screen: "browse", products: [product(), product({ id: 8, name: "Soon", saleState: "upcoming" })], error: null, joinError: null };
const waiting: KioskState = { screen: "waiting", product: product(), ticket: ticket() };
const admitted = ticket({ state: "ADMITTED", ahead: 0, expiresAt: Date.UTC(2026, 10, 25, 12, 2) });
const checkout: KioskState = { screen: "checkout", product: product(), ticket: admitted, paying: false, error: null, retryKey: null };

describe("kiosk flow", () => {
  it("walks the happy path attract → browse → joining → waiting → checkout → receipt → attract", () => {
    let r = run({ screen: "starting" }, { type: "DEVICE_READY" });
    expect(r.state.screen).toBe("attract");

    r = run(r.state, { type: "START" });
    expect(r.state).toMatchObject({ screen: "browse", products: null });
    expect(r.effects).toEqual([{ type: "beginShopper" }, { type: "loadProducts" }]);

    r = run(r.state, { type: "PRODUCTS", products: [product()] }, { type: "SELECT", productId: 7 });
    expect(r.state.screen).toBe("joining");
    expect(r.effects).toEqual([{ type: "join", productId: 7 }]);

    r = run(r.state, { type: "JOINED", ticket: ticket() });
    expect(r.state).toMatchObject({ screen: "waiting", ticket: { ahead: 2 } });
    expect(r.effects).toEqual([{ type: "watch", ticket: ticket().ticket }]);

    r = run(r.state, { type: "TICKET", ticket: ticket({ ahead: 1, version: "2" }) });
    expect(r.state).toMatchObject({ screen: "waiting", ticket: { ahead: 1 } });

    r = run(r.state, { type: "TICKET", ticket: admitted });
    expect(r.state).toMatchObject({ screen: "checkout", paying: false });

    r = run(r.state, { type: "PAY_STARTED", card: CARD, key: "key-one-123" });
    expect(r.state).toMatchObject({ screen: "checkout", paying: true });
    expect(r.effects).toEqual([{ type: "pay", ticket: admitted.ticket, card: CARD, idempotencyKey: "key-one-123" }]);
    // The card is only in the effect, never in the state the screen sees.
    expect(JSON.stringify(r.state)).not.toContain(CARD.number);

    r = run(r.state, { type: "PAID", order: order() });
    expect(r.state).toMatchObject({ screen: "receipt", order: { id: 42 }, receipt: null });
    expect(r.effects.map((e) => e.type)).toEqual(["unwatch", "buildReceipt"]);

    r = run(r.state, { type: "DONE" });
    expect(r.state.screen).toBe("attract");
    expect(r.effects.map((e) => e.type)).toEqual(["unwatch", "wipe"]);
  });

  it("goes straight to checkout when the join is admitted at once", () => {
    const r = run({ screen: "joining", product: product() }, { type: "JOINED", ticket: admitted });
    expect(r.state.screen).toBe("checkout");
    expect(r.effects).toEqual([{ type: "watch", ticket: admitted.ticket }]);
  });

  it("does not watch a ticket that is already final", () => {
    const r = run({ screen: "joining", product: product() }, { type: "JOINED", ticket: ticket({ state: "SOLD_OUT" }) });
    expect(r.state).toMatchObject({ screen: "notice", notice: { title: "Sold out", next: "browse" } });
    expect(r.effects.some((e) => e.type === "watch")).toBe(false);
  });

  it("refuses to join a product that is not on sale and says why", () => {
    const r = run(browsing, { type: "SELECT", productId: 8 });
    expect(r.state).toMatchObject({ screen: "browse", joinError: "Soon is not on sale right now." });
    expect(r.effects).toEqual([]);
  });

  it("returns to the list with the API's message when a join is refused", () => {
    const r = run({ screen: "joining", product: product() }, { type: "JOIN_FAILED", error: new KioskError("rejected", "This product sold out.", "SOLD_OUT") });
    expect(r.state).toMatchObject({ screen: "browse", joinError: "This product sold out.", products: null });
    expect(r.effects).toEqual([{ type: "loadProducts" }]);
  });

  it("gives the place back when the shopper leaves the line or walks away", () => {
    for (const event of [{ type: "CANCEL" }, { type: "IDLE_TIMEOUT" }] as const) {
      const r = run(waiting, event);
      expect(r.state.screen).toBe("attract");
      expect(r.effects).toEqual([{ type: "leave", ticket: ticket().ticket }, { type: "unwatch" }, { type: "wipe" }]);
    }
    const fromCheckout = run(checkout, { type: "IDLE_TIMEOUT" });
    expect(fromCheckout.effects[0]).toEqual({ type: "leave", ticket: admitted.ticket });
  });

  it("never resets in the middle of a payment", () => {
    const paying = run(checkout, { type: "PAY_STARTED", card: CARD, key: "k-12345678" }).state;
    expect(run(paying, { type: "IDLE_TIMEOUT" }).state).toBe(paying);
    expect(run(paying, { type: "CANCEL" }).state).toBe(paying);
    expect(run(paying, { type: "PAY_STARTED", card: CARD, key: "k-other" }).effects).toEqual([]);
    expect(idleTimeoutMs(paying, idle)).toBeNull();
  });

  it("keeps the idempotency key after an unknown outcome and drops it after a decline", () => {
    const paying = run(checkout, { type: "PAY_STARTED", card: CARD, key: "first-key-1" }).state;
    const offline = run(paying, { type: "PAY_FAILED", error: new KioskError("offline", "down"), key: "first-key-1" });
    expect(offline.state).toMatchObject({ screen: "checkout", paying: false, retryKey: "first-key-1" });
    const retried = run(offline.state, { type: "PAY_STARTED", card: CARD, key: "second-key-2" });
    expect(retried.effects).toEqual([{ type: "pay", ticket: admitted.ticket, card: CARD, idempotencyKey: "first-key-1" }]);

    const declined = run(retried.state, {
      type: "PAY_FAILED",
      error: new KioskError("declined", "Your card was declined.", "CARD_DECLINED"),
      key: "first-key-1",
    });
    expect(declined.state).toMatchObject({ screen: "checkout", paying: false, retryKey: null, error: "Your card was declined. Try another card." });
    const next = run(declined.state, { type: "PAY_STARTED", card: CARD, key: "third-key-3" });
    expect(next.effects[0]).toMatchObject({ idempotencyKey: "third-key-3" });
  });

  it("lets the shopper pay again right after a decline, while the live feed still shows the failed attempt as paying", () => {
    const paying = run(checkout, { type: "PAY_STARTED", card: CARD, key: "first-key-1" }).state;
    // The feed announces the kiosk's own attempt; the decline answers before the feed's ADMITTED.
    const fed = run(paying, { type: "TICKET", ticket: { ...admitted, state: "PAYING", version: "p" } }).state;
    const declined = run(fed, {
      type: "PAY_FAILED",
      error: new KioskError("declined", "Your card was declined.", "CARD_DECLINED"),
      key: "first-key-1",
    }).state;
    expect(declined).toMatchObject({ screen: "checkout", paying: false, ticket: { state: "PAYING" } });
    const again = run(declined, { type: "PAY_STARTED", card: CARD, key: "second-key-2" });
    expect(again.effects).toEqual([{ type: "pay", ticket: admitted.ticket, card: CARD, idempotencyKey: "second-key-2" }]);
    // Nothing to pay for once the hold is gone or bought.
    for (const state of ["PURCHASED", "EXPIRED"] as const) {
      const gone = { ...checkout, ticket: { ...admitted, state } } as KioskState;
      expect(run(gone, { type: "PAY_STARTED", card: CARD, key: "third-key-3" }).effects).toEqual([]);
    }
  });

  it("ends the visit with a notice when the hold expires or the product sells out", () => {
    const expired = run(checkout, { type: "TICKET", ticket: { ...admitted, state: "EXPIRED", version: "9" } });
    expect(expired.state).toMatchObject({ screen: "notice", notice: { title: "Time is up", next: "attract" } });
    expect(run(expired.state, { type: "DONE" }).effects.map((e) => e.type)).toEqual(["unwatch", "wipe"]);

    const soldOut = run(waiting, { type: "TICKET", ticket: ticket({ state: "SOLD_OUT", version: "9" }) });
    expect(soldOut.state).toMatchObject({ screen: "notice", notice: { next: "browse" } });
    const back = run(soldOut.state, { type: "DONE" });
    expect(back.state).toMatchObject({ screen: "browse", products: null });
    expect(back.effects).toEqual([{ type: "loadProducts" }]);
  });

  it("fetches the order when the ticket says purchased but the payment answer was lost", () => {
    const r = run(checkout, { type: "TICKET", ticket: { ...admitted, state: "PURCHASED", orderId: 42, version: "5" } });
    expect(r.state).toMatchObject({ screen: "checkout", paying: true });
    expect(r.effects).toEqual([{ type: "loadOrder", orderId: 42 }]);
  });

  it("ignores results that arrive after the screen moved on", () => {
    const attract: KioskState = { screen: "attract" };
    for (const e of [
      { type: "PRODUCTS", products: [product()] },
      { type: "JOINED", ticket: ticket() },
      { type: "TICKET", ticket: admitted },
      { type: "PAID", order: order() },
    ] as KioskEvent[]) {
      expect(run(attract, e)).toEqual({ state: attract, effects: [] });
    }
    // Another ticket's update does not touch this screen.
    expect(run(waiting, { type: "TICKET", ticket: ticket({ ticket: "v1.someone-elses-ticket", ahead: 0 }) }).state).toBe(waiting);
  });

  it("shows out-of-service with growing retry delays until the device signs in", () => {
    let r = run({ screen: "starting" }, { type: "DEVICE_FAILED", error: new KioskError("offline", "no server") });
    expect(r.state).toMatchObject({ screen: "outOfService", attempt: 1 });
    expect(r.effects).toEqual([{ type: "signInDevice", afterMs: 2000 }]);
    r = run(r.state, { type: "DEVICE_FAILED", error: new KioskError("unauthorized", "nope") });
    expect(r.state).toMatchObject({ screen: "outOfService", attempt: 2, message: expect.stringContaining("revoked") });
    expect(r.effects).toEqual([{ type: "signInDevice", afterMs: 4000 }]);
    expect(run(r.state, { type: "DEVICE_READY" }).state.screen).toBe("attract");
    // Shoppers cannot start anything while out of service.
    expect(run(r.state, { type: "START" }).state).toBe(r.state);
  });

  it("turns a refused shopper session into out-of-service, other failures into an error notice", () => {
    const browse: KioskState = { screen: "browse", products: null, error: null, joinError: null };
    const refused = run(browse, { type: "SHOPPER_FAILED", error: new KioskError("unauthorized", "revoked") });
    expect(refused.state.screen).toBe("outOfService");
    expect(refused.effects.map((e) => e.type)).toEqual(["unwatch", "wipe", "signInDevice"]);
    const offline = run(browse, { type: "SHOPPER_FAILED", error: new KioskError("offline", "The kiosk cannot reach the store's server right now.") });
    expect(offline.state).toMatchObject({ screen: "notice", notice: { tone: "error", next: "attract" } });
  });

  it("reports a lost live feed and starts over", () => {
    const r = run(waiting, { type: "TICKET_FAILED", error: new KioskError("unauthorized", "expired") });
    expect(r.state).toMatchObject({ screen: "notice", notice: { message: expect.stringContaining("ran out") } });
    expect(r.effects.map((e) => e.type)).toEqual(["leave", "unwatch", "wipe"]);
  });

  it("has an idle timeout on every shopper screen and none on attract", () => {
    expect(idleTimeoutMs({ screen: "attract" }, idle)).toBeNull();
    expect(idleTimeoutMs({ screen: "starting" }, idle)).toBeNull();
    expect(idleTimeoutMs(browsing, idle)).toBe(60_000);
    expect(idleTimeoutMs(waiting, idle)).toBe(600_000);
    expect(idleTimeoutMs(checkout, idle)).toBe(120_000);
    expect(idleTimeoutMs({ screen: "receipt", product: product(), order: order(), receipt: null }, idle)).toBe(30_000);
    expect(idleTimeoutMs({ screen: "notice", notice: { tone: "info", title: "", message: "", next: "attract" } }, idle)).toBe(15_000);
  });

  it("does not give back a ticket that is already final on reset", () => {
    const done: KioskState = { screen: "waiting", product: product(), ticket: ticket({ state: "SOLD_OUT" }) };
    expect(reset(done).effects).toEqual([{ type: "unwatch" }, { type: "wipe" }]);
  });
});

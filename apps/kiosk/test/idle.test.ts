import { describe, expect, it } from "vitest";
import type { KioskApi, TicketStatus } from "../src/core/api.js";
import { FakeClock } from "../src/core/clock.js";
import { KioskController } from "../src/core/controller.js";
import { IdleTimer } from "../src/core/idle.js";
import { idleSchema } from "../src/core/config.js";
import { CARD, order, product, ticket } from "./fixtures.js";

describe("idle timer", () => {
  it("warns before it expires, and a touch starts the countdown over", async () => {
    const clock = new FakeClock();
    const log: string[] = [];
    const t = new IdleTimer(clock, { warn: (s) => log.push(`warn ${s}`), expire: () => log.push("expire") }, 10_000);
    t.arm(60_000);
    await clock.advance(49_999);
    expect(log).toEqual([]);
    await clock.advance(1);
    expect(log).toEqual(["warn 10"]);
    expect(t.warned).toBe(true);
    t.activity();
    expect(t.warned).toBe(false);
    await clock.advance(59_999);
    expect(log).toEqual(["warn 10", "warn 10"]);
    await clock.advance(1);
    expect(log).toEqual(["warn 10", "warn 10", "expire"]);
    // Expired means disarmed: no more events, and touches do not re-arm it.
    t.activity();
    await clock.advance(120_000);
    expect(log).toHaveLength(3);
    expect(clock.pending).toBe(0);
  });

  it("does nothing when disarmed or armed with null", async () => {
    const clock = new FakeClock();
    let fired = 0;
    const t = new IdleTimer(clock, { warn: () => fired++, expire: () => fired++ }, 10_000);
    t.arm(30_000);
    t.disarm();
    t.activity();
    await clock.advance(60_000);
    expect(fired).toBe(0);
  });
});

/** A scripted API for the controller: records calls; no network. */
function fakeApi() {
  const calls: string[] = [];
  let feed: ((s: TicketStatus) => void) | null = null;
  const api: KioskApi = {
    products: async () => [product()],
    join: async (id) => {
      calls.push(`join ${id}`);
      return ticket();
    },
    status: async () => ticket(),
    watch: (t, on) => {
      calls.push(`watch ${t}`);
      feed = on.status;
      return () => {
        calls.push("unwatch");
        feed = null;
      };
    },
    leave: async (t) => {
      calls.push(`leave ${t}`);
    },
    checkout: async () => order(),
    order: async () => order(),
  };
  return { api, calls, push: (s: TicketStatus) => feed?.(s) };
}

function fakeSessions(clock: FakeClock) {
  const log: string[] = [];
  let token: string | null = null;
  let n = 0;
  return {
    log,
    sessions: {
      start: async () => ({ token: "device", expiresAt: clock.now() + 3_600_000, kiosk: { id: "k", store: "Main St", name: "Door" } }),
      beginShopper: async () => {
        token = `shopper-${++n}`;
        log.push(`begin ${token}`);
        return { token, userId: `u${n}`, expiresAt: clock.now() + 900_000 };
      },
      ensureShopper: async () => ({ token: token ?? "none", userId: `u${n}`, expiresAt: clock.now() + 900_000 }),
      shopperToken: () => token,
      wipe: () => {
        log.push(`wipe ${token}`);
        token = null;
      },
    },
  };
}

function controller(clock: FakeClock) {
  const api = fakeApi();
  const s = fakeSessions(clock);
  const tokensUsed: (string | null)[] = [];
  const c = new KioskController({
    sessions: s.sessions,
    apiFor: (token) => ({
      products: () => api.api.products(),
      join: (id) => api.api.join(id),
      status: (t) => api.api.status(t),
      watch: (t, on) => api.api.watch(t, on),
      checkout: (i) => api.api.checkout(i),
      order: (id) => api.api.order(id),
      leave: (t) => {
        tokensUsed.push(token());
        return api.api.leave(t);
      },
    }),
    receipt: async (o) => ({ orderId: o.id, title: "Thanks", lines: [], qrText: "q", qrSvg: "<svg/>", footer: "" }),
    idle: idleSchema.parse({ browseSec: 60, waitingSec: 600, checkoutSec: 120, receiptSec: 30, warnSec: 10 }),
    locale: "en-US",
    imagesUrl: null,
    clock,
  });
  return { c, api, s, tokensUsed };
}

describe("controller idle reset", () => {
  it("returns an abandoned product list to the attract screen and wipes the shopper", async () => {
    const clock = new FakeClock();
    const { c, s } = controller(clock);
    c.start();
    await clock.advance(0);
    expect(c.view.state.screen).toBe("attract");
    c.send({ type: "START" });
    await clock.advance(0);
    expect(c.view.state).toMatchObject({ screen: "browse", products: [{ id: 7 }] });

    await clock.advance(50_000);
    expect(c.view.warningUntil).toBe(clock.now() + 10_000);
    await clock.advance(10_000);
    expect(c.view.state.screen).toBe("attract");
    expect(c.view.warningUntil).toBeNull();
    expect(s.log).toEqual(["begin shopper-1", "wipe shopper-1"]);
    c.stop();
  });

  it("a touch during the warning keeps the shopper", async () => {
    const clock = new FakeClock();
    const { c } = controller(clock);
    c.start();
    await clock.advance(0);
    c.send({ type: "START" });
    await clock.advance(55_000);
    expect(c.view.warningUntil).not.toBeNull();
    c.send({ type: "ACTIVITY" });
    expect(c.view.warningUntil).toBeNull();
    await clock.advance(59_000);
    expect(c.view.state.screen).toBe("browse");
    await clock.advance(1_000);
    expect(c.view.state.screen).toBe("attract");
    c.stop();
  });

  it("gives the place in line back with the leaving shopper's token, then forgets them", async () => {
    const clock = new FakeClock();
    const { c, api, s, tokensUsed } = controller(clock);
    c.start();
    await clock.advance(0);
    c.send({ type: "START" });
    await clock.advance(0);
    c.send({ type: "SELECT", productId: 7 });
    await clock.advance(0);
    expect(c.view.state.screen).toBe("waiting");
    await clock.advance(600_000);
    expect(c.view.state.screen).toBe("attract");
    expect(api.calls).toEqual(["join 7", `watch ${ticket().ticket}`, `leave ${ticket().ticket}`, "unwatch"]);
    expect(tokensUsed).toEqual(["shopper-1"]);
    expect(s.log.at(-1)).toBe("wipe shopper-1");
    c.stop();
  });

  it("resets the receipt after its timeout, and never during a payment", async () => {
    const clock = new FakeClock();
    const { c, api } = controller(clock);
    c.start();
    await clock.advance(0);
    c.send({ type: "START" });
    await clock.advance(0);
    c.send({ type: "SELECT", productId: 7 });
    await clock.advance(0);
    api.push(ticket({ state: "ADMITTED", ahead: 0, expiresAt: clock.now() + 120_000, version: "2" }));
    expect(c.view.state.screen).toBe("checkout");
    c.send({ type: "PAY", card: CARD });
    await clock.advance(0);
    expect(c.view.state).toMatchObject({ screen: "receipt", receipt: { orderId: 42 } });
    await clock.advance(29_999);
    expect(c.view.state.screen).toBe("receipt");
    await clock.advance(1);
    expect(c.view.state.screen).toBe("attract");
    c.stop();
  });

  it("drops answers meant for a shopper who already left", async () => {
    const clock = new FakeClock();
    const { c, api } = controller(clock);
    let release: (t: TicketStatus) => void = () => undefined;
    api.api.join = () =>
      new Promise<TicketStatus>((resolve) => {
        release = resolve;
      });
    c.start();
    await clock.advance(0);
    c.send({ type: "START" });
    await clock.advance(0);
    c.send({ type: "SELECT", productId: 7 });
    await clock.advance(0);
    expect(c.view.state.screen).toBe("joining");
    c.send({ type: "CANCEL" });
    c.send({ type: "START" });
    await clock.advance(0);
    release(ticket());
    await clock.advance(0);
    expect(c.view.state.screen).toBe("browse");
    c.stop();
  });
});

describe("controller live feed", () => {
  it("falls back to polling when the SSE feed fails, and still sees the admission", async () => {
    const clock = new FakeClock();
    const { c, api } = controller(clock);
    let polls = 0;
    api.api.watch = (_t, on) => {
      queueMicrotask(() => on.error(new TypeError("fetch failed")));
      return () => undefined;
    };
    api.api.status = async () => {
      polls++;
      return polls < 3 ? ticket({ ahead: 3 - polls, version: `p${polls}` }) : ticket({ state: "ADMITTED", ahead: 0, expiresAt: clock.now() + 60_000, version: "p3" });
    };
    c.start();
    await clock.advance(0);
    c.send({ type: "START" });
    await clock.advance(0);
    c.send({ type: "SELECT", productId: 7 });
    await clock.advance(0);
    expect(c.view.state).toMatchObject({ screen: "waiting", ticket: { ahead: 2 } });
    await clock.advance(2_000);
    expect(c.view.state).toMatchObject({ screen: "waiting", ticket: { ahead: 1 } });
    await clock.advance(2_000);
    expect(c.view.state.screen).toBe("checkout");
    c.stop();
  });

  it("ends the visit with a notice when the server refuses the ticket", async () => {
    const clock = new FakeClock();
    const { c, api } = controller(clock);
    const { TRPCClientError } = await import("@trpc/client");
    api.api.watch = (_t, on) => {
      queueMicrotask(() =>
        on.error(
          TRPCClientError.from({ error: { code: -32001, message: "Your session ran out.", data: { code: "UNAUTHORIZED", httpStatus: 401 } } }),
        ),
      );
      return () => undefined;
    };
    c.start();
    await clock.advance(0);
    c.send({ type: "START" });
    await clock.advance(0);
    c.send({ type: "SELECT", productId: 7 });
    await clock.advance(0);
    expect(c.view.state).toMatchObject({ screen: "notice", notice: { tone: "error", next: "attract" } });
    c.stop();
  });
});

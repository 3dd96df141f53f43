import type { KioskApi, OrderView, ProductCard, TicketStatus, Unsubscribe } from "./api.js";
import { type Clock, systemClock, type TimerHandle } from "./clock.js";
import type { IdleConfig } from "./config.js";
import { type KioskError, toKioskError } from "./errors.js";
import { type Effect, idleTimeoutMs, initialState, type KioskEvent, type KioskState, transition, type UserEvent } from "./flow.js";
import { IdleTimer } from "./idle.js";
import type { Receipt } from "./receipt.js";
import type { DeviceSession, ShopperSession } from "./session.js";

/** What the screen draws: the flow's state plus the kiosk's identity and the idle warning. */
export interface KioskView {
  state: KioskState;
  /** Epoch ms when the idle reset happens, while "Still there?" shows; else null. */
  warningUntil: number | null;
  kiosk: { store: string; name: string } | null;
  locale: string;
  /** Origin that serves product images, or null (the screen draws a placeholder). */
  imagesUrl: string | null;
}

/** The parts of the session manager the controller uses (KioskSessionManager fits). */
export interface Sessions {
  start(): Promise<DeviceSession>;
  beginShopper(): Promise<ShopperSession>;
  ensureShopper(): Promise<ShopperSession>;
  shopperToken(): string | null;
  wipe(): void;
}

export interface ControllerDeps {
  sessions: Sessions;
  /** A KioskApi that authenticates with the given token getter. */
  apiFor(token: () => string | null): KioskApi;
  receipt(order: OrderView, product: ProductCard, kiosk: { store: string; name: string } | null): Promise<Receipt>;
  idle: IdleConfig;
  locale: string;
  imagesUrl: string | null;
  clock?: Clock;
  /** Polling interval when the live feed is down. */
  pollMs?: number;
  newKey?: () => string;
  log?: (msg: string, extra?: Record<string, unknown>) => void;
}

/**
 * Runs the flow: feeds events to the state machine, runs its effects against the API, arms the
 * idle timer per screen, and tells listeners about every new view. Results of work started for
 * an earlier shopper ("visit") are dropped, so nothing leaks from one customer to the next.
 */
export class KioskController {
  private state: KioskState = initialState;
  private warningUntil: number | null = null;
  private kiosk: { store: string; name: string } | null = null;
  private visit = 0;
  private feed: Unsubscribe | null = null;
  private shopperReady: Promise<ShopperSession> | null = null;
  private deviceTimer: TimerHandle | null = null;
  private readonly listeners = new Set<(view: KioskView) => void>();
  private readonly clock: Clock;
  private readonly idle: IdleTimer;
  private readonly api: KioskApi;
  private stopped = false;

  constructor(private readonly deps: ControllerDeps) {
    this.clock = deps.clock ?? systemClock;
    this.api = deps.apiFor(() => deps.sessions.shopperToken());
    this.idle = new IdleTimer(
      this.clock,
      {
        warn: (secondsLeft) => {
          this.warningUntil = this.clock.now() + secondsLeft * 1000;
          this.emit();
        },
        expire: () => this.send({ type: "IDLE_TIMEOUT" }),
      },
      deps.idle.warnSec * 1000,
    );
  }

  /** Signs the device in; the screen shows "starting" until then, "out of service" if it fails. */
  start(): void {
    this.stopped = false;
    this.run([{ type: "signInDevice", afterMs: 0 }]);
  }

  stop(): void {
    this.stopped = true;
    this.idle.disarm();
    if (this.deviceTimer) this.clock.clearTimeout(this.deviceTimer);
    this.wipe();
    this.listeners.clear();
  }

  get view(): KioskView {
    return {
      state: this.state,
      warningUntil: this.warningUntil,
      kiosk: this.kiosk,
      locale: this.deps.locale,
      imagesUrl: this.deps.imagesUrl,
    };
  }

  subscribe(listener: (view: KioskView) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Resolves once the state satisfies `predicate` (tests and scripted demos). */
  waitFor(predicate: (state: KioskState) => boolean, timeoutMs = 30_000): Promise<KioskState> {
    if (predicate(this.state)) return Promise.resolve(this.state);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        off();
        reject(new Error(`timed out in screen "${this.state.screen}": ${JSON.stringify(this.state).slice(0, 400)}`));
      }, timeoutMs);
      const off = this.subscribe((v) => {
        if (predicate(v.state)) {
          clearTimeout(timer);
          off();
          resolve(v.state);
        }
      });
    });
  }

  /** A shopper's action (from the screen) or an internal result. */
  send(event: UserEvent | KioskEvent): void {
    if (this.stopped) return;
    if (event.type === "ACTIVITY" || isUserEvent(event)) {
      this.idle.activity();
      if (this.warningUntil !== null) {
        this.warningUntil = null;
        this.emit();
      }
    }
    if (event.type === "ACTIVITY") return;
    // The card goes straight into the payment effect with a fresh idempotency key; it is never stored.
    const e: KioskEvent = event.type === "PAY" ? { type: "PAY_STARTED", card: event.card, key: this.newKey() } : event;
    const before = this.state;
    const step = transition(before, e);
    this.state = step.state;
    if (before.screen !== step.state.screen || idleTimeoutMs(before, this.deps.idle) !== idleTimeoutMs(step.state, this.deps.idle)) {
      this.warningUntil = null;
      this.idle.arm(idleTimeoutMs(step.state, this.deps.idle));
    }
    this.run(step.effects);
    if (step.state !== before || step.effects.length > 0) this.emit();
  }

  private newKey(): string {
    return (this.deps.newKey ?? (() => `kiosk_${globalThis.crypto.randomUUID().replaceAll("-", "")}`.slice(0, 40)))();
  }

  private emit(): void {
    const view = this.view;
    for (const l of this.listeners) {
      try {
        l(view);
      } catch (err) {
        this.deps.log?.("view listener failed", { err: String(err) });
      }
    }
  }

  /** Runs async work for the current visit; its result is dropped if the shopper changed meanwhile. */
  private forVisit<T>(work: () => Promise<T>, ok: (value: T) => KioskEvent | null, fail: (err: KioskError) => KioskEvent | null): void {
    const visit = this.visit;
    work().then(
      (value) => {
        const e = ok(value);
        if (e && visit === this.visit) this.send(e);
      },
      (err: unknown) => {
        const e = toKioskError(err);
        this.deps.log?.("kiosk call failed", { kind: e.kind, code: e.code, reason: e.reason, message: e.message });
        const ev = fail(e);
        if (ev && visit === this.visit) this.send(ev);
      },
    );
  }

  private run(effects: Effect[]): void {
    for (const effect of effects) this.runOne(effect);
  }

  private runOne(effect: Effect): void {
    const { sessions } = this.deps;
    switch (effect.type) {
      case "signInDevice": {
        if (this.deviceTimer) this.clock.clearTimeout(this.deviceTimer);
        this.deviceTimer = this.clock.setTimeout(() => {
          this.deviceTimer = null;
          sessions.start().then(
            (device) => {
              this.kiosk = { store: device.kiosk.store, name: device.kiosk.name };
              this.send({ type: "DEVICE_READY" });
            },
            (err: unknown) => {
              const e = toKioskError(err);
              this.deps.log?.("device sign-in failed", { kind: e.kind, message: e.message });
              this.send({ type: "DEVICE_FAILED", error: e });
            },
          );
        }, effect.afterMs);
        return;
      }
      case "beginShopper": {
        const ready = sessions.beginShopper();
        this.shopperReady = ready;
        this.forVisit(() => ready, () => null, (error) => ({ type: "SHOPPER_FAILED", error }));
        return;
      }
      case "loadProducts":
        this.forVisit(
          () => this.api.products(),
          (products) => ({ type: "PRODUCTS", products }),
          (error) => ({ type: "PRODUCTS_FAILED", error }),
        );
        return;
      case "join":
        this.forVisit(
          async () => {
            // The shopper session minted at "start" may still be on its way, or close to expiry.
            if (this.shopperReady) await this.shopperReady.catch(() => undefined);
            await sessions.ensureShopper();
            return this.api.join(effect.productId);
          },
          (ticket) => ({ type: "JOINED", ticket }),
          (error) => ({ type: "JOIN_FAILED", error }),
        );
        return;
      case "watch":
        this.startFeed(effect.ticket);
        return;
      case "unwatch":
        this.stopFeed();
        return;
      case "pay":
        this.forVisit(
          () => this.api.checkout({ ticket: effect.ticket, card: effect.card, idempotencyKey: effect.idempotencyKey }),
          (order) => ({ type: "PAID", order }),
          (error) => ({ type: "PAY_FAILED", error, key: effect.idempotencyKey }),
        );
        return;
      case "loadOrder":
        this.forVisit(
          () => this.api.order(effect.orderId),
          (order) => ({ type: "PAID", order }),
          (error) => ({ type: "PAY_FAILED", error, key: "" }),
        );
        return;
      case "leave": {
        // Bound to this shopper's token now: the wipe that follows must not strip it from the call.
        const token = sessions.shopperToken();
        if (!token) return;
        this.deps
          .apiFor(() => token)
          .leave(effect.ticket)
          .catch((err: unknown) => this.deps.log?.("could not give back a place in line", { message: toKioskError(err).message }));
        return;
      }
      case "buildReceipt":
        this.forVisit(
          () => this.deps.receipt(effect.order, effect.product, this.kiosk),
          (receipt) => ({ type: "RECEIPT", receipt }),
          () => null,
        );
        return;
      case "wipe":
        this.wipe();
        return;
    }
  }

  private wipe(): void {
    this.visit++;
    this.stopFeed();
    this.shopperReady = null;
    this.deps.sessions.wipe();
  }

  /** Live status over SSE; if the stream fails, polling takes over until the ticket is final. */
  private startFeed(ticket: string): void {
    this.stopFeed();
    const visit = this.visit;
    let stopped = false;
    let unsubscribe: Unsubscribe | null = null;
    let pollTimer: TimerHandle | null = null;
    const deliver = (status: TicketStatus) => {
      if (!stopped && visit === this.visit) this.send({ type: "TICKET", ticket: status });
    };
    const fatal = (e: KioskError) => {
      if (!stopped && visit === this.visit) this.send({ type: "TICKET_FAILED", error: e });
    };
    const poll = () => {
      pollTimer = null;
      if (stopped) return;
      this.api.status(ticket).then(
        (s) => {
          deliver(s);
          if (!stopped) pollTimer = this.clock.setTimeout(poll, this.deps.pollMs ?? 2_000);
        },
        (err: unknown) => {
          const e = toKioskError(err);
          if (!e.retryable) return fatal(e);
          if (!stopped) pollTimer = this.clock.setTimeout(poll, (this.deps.pollMs ?? 2_000) * 2);
        },
      );
    };
    unsubscribe = this.api.watch(ticket, {
      status: deliver,
      error: (err) => {
        const e = toKioskError(err);
        this.deps.log?.("live status feed failed; polling instead", { kind: e.kind, message: e.message });
        unsubscribe?.();
        unsubscribe = null;
        if (e.kind === "unauthorized" || e.kind === "rejected") return fatal(e);
        if (!stopped && !pollTimer) poll();
      },
    });
    // A long line outlasts a shopper session: keep it fresh (same identity) while they wait.
    let keepAlive: TimerHandle | null = null;
    const refresh = () => {
      keepAlive = null;
      if (stopped) return;
      this.deps.sessions.ensureShopper().catch((err: unknown) => this.deps.log?.("could not renew the shopper session", { message: String(err) }));
      keepAlive = this.clock.setTimeout(refresh, 60_000);
    };
    keepAlive = this.clock.setTimeout(refresh, 60_000);
    this.feed = () => {
      stopped = true;
      unsubscribe?.();
      if (pollTimer) this.clock.clearTimeout(pollTimer);
      if (keepAlive) this.clock.clearTimeout(keepAlive);
    };
  }

  private stopFeed(): void {
    this.feed?.();
    this.feed = null;
  }
}

const USER_EVENTS = new Set<string>(["START", "SELECT", "REFRESH", "PAY", "CANCEL", "DONE", "ACTIVITY"]);

function isUserEvent(e: UserEvent | KioskEvent): e is UserEvent {
  return USER_EVENTS.has(e.type);
}

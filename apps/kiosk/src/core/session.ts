import { type Clock, systemClock, type TimerHandle } from "./clock.js";
import { KioskError, toKioskError } from "./errors.js";

/** The device's own session: lets it mint shopper sessions, nothing else. */
export interface DeviceSession {
  token: string;
  /** Epoch ms. */
  expiresAt: number;
  kiosk: { id: string; store: string; name: string };
}

/** One customer's identity at the kiosk; wiped when they leave. */
export interface ShopperSession {
  token: string;
  userId: string;
  /** Epoch ms. */
  expiresAt: number;
}

/** The two API calls the session manager needs (tRPC-backed in production, see api.ts). */
export interface KioskAuthApi {
  signIn(credentials: { kioskId: string; key: string }): Promise<{ token: string; expiresAt: string; kiosk: DeviceSession["kiosk"] }>;
  /** A new shopper identity, or — given the current shopper token as `renew` — the same identity for longer. */
  shopperSession(deviceToken: string, renew?: string): Promise<{ token: string; expiresAt: string; userId: string }>;
}

export interface SessionManagerOptions {
  credentials: { kioskId: string; key: string };
  auth: KioskAuthApi;
  clock?: Clock;
  /** Renew the device session this long before it expires (capped at half its lifetime). */
  deviceRenewMarginMs?: number;
  /** A shopper session with less than this left is replaced before the shopper joins a line. */
  shopperMinRemainingMs?: number;
  /** First retry delay after a failed renewal; doubles up to `maxRetryMs`. */
  retryMs?: number;
  maxRetryMs?: number;
  log?: (msg: string, extra?: Record<string, unknown>) => void;
}

function epochMs(iso: string): number {
  const t = Date.parse(iso);
  if (Number.isNaN(t)) throw new KioskError("internal", "The server sent an unreadable session expiry.");
  return t;
}

/**
 * Holds the device session (signed in with the kiosk's id and key, renewed before it expires)
 * and the current shopper's session (fresh per customer, wiped on reset). Keys and tokens stay
 * here: the screen never sees them.
 */
export class KioskSessionManager {
  private device: DeviceSession | null = null;
  private shopper: ShopperSession | null = null;
  private renewTimer: TimerHandle | null = null;
  private signingIn: Promise<DeviceSession> | null = null;
  private retryDelay: number;
  private stopped = false;
  private readonly clock: Clock;
  private readonly margin: number;
  private readonly shopperMin: number;

  constructor(private readonly opts: SessionManagerOptions) {
    this.clock = opts.clock ?? systemClock;
    this.margin = opts.deviceRenewMarginMs ?? 10 * 60_000;
    this.shopperMin = opts.shopperMinRemainingMs ?? 5 * 60_000;
    this.retryDelay = opts.retryMs ?? 5_000;
  }

  /** Signs the device in (once; concurrent callers share the attempt) and schedules renewal. */
  start(): Promise<DeviceSession> {
    this.stopped = false;
    return this.signIn();
  }

  get deviceSession(): DeviceSession | null {
    return this.device;
  }

  get shopperSession(): ShopperSession | null {
    return this.shopper;
  }

  /** The token for shopper calls, or null once there is none or it has expired. */
  shopperToken(): string | null {
    if (!this.shopper || this.shopper.expiresAt <= this.clock.now()) return null;
    return this.shopper.token;
  }

  /** Starts a new customer: the previous shopper's session is dropped first, whatever happens next. */
  async beginShopper(): Promise<ShopperSession> {
    this.wipe();
    const device = await this.validDevice();
    let minted: { token: string; expiresAt: string; userId: string };
    try {
      minted = await this.opts.auth.shopperSession(device.token);
    } catch (err) {
      const e = toKioskError(err);
      if (e.kind !== "unauthorized") throw e;
      // The device token was refused (server secret rotated, clock skew): sign in again once.
      this.device = null;
      const again = await this.signIn();
      minted = await this.opts.auth.shopperSession(again.token).catch((e2: unknown) => {
        throw toKioskError(e2);
      });
    }
    this.shopper = { token: minted.token, userId: minted.userId, expiresAt: epochMs(minted.expiresAt) };
    return this.shopper;
  }

  /**
   * Renews the shopper session before it runs out. A shopper whose session is still valid keeps
   * their identity (and so their place in line); only an expired one starts over as a new shopper.
   */
  async ensureShopper(): Promise<ShopperSession> {
    const current = this.shopper;
    if (current && current.expiresAt - this.clock.now() > this.shopperMin) return current;
    if (!current || current.expiresAt <= this.clock.now()) return this.beginShopper();
    const device = await this.validDevice();
    try {
      const r = await this.opts.auth.shopperSession(device.token, current.token);
      // Only adopt the renewal if this shopper is still the one at the kiosk.
      if (this.shopper === current) this.shopper = { token: r.token, userId: r.userId, expiresAt: epochMs(r.expiresAt) };
      return this.shopper ?? current;
    } catch (err) {
      const e = toKioskError(err);
      if (e.kind === "unauthorized") return this.beginShopper();
      throw e;
    }
  }

  /** Forgets the current shopper (their token and identity); the device stays signed in. */
  wipe(): void {
    this.shopper = null;
  }

  stop(): void {
    this.stopped = true;
    this.wipe();
    if (this.renewTimer) this.clock.clearTimeout(this.renewTimer);
    this.renewTimer = null;
  }

  private async validDevice(): Promise<DeviceSession> {
    if (this.device && this.device.expiresAt > this.clock.now() + 5_000) return this.device;
    return this.signIn();
  }

  private signIn(): Promise<DeviceSession> {
    this.signingIn ??= (async () => {
      try {
        const r = await this.opts.auth.signIn(this.opts.credentials);
        this.device = { token: r.token, expiresAt: epochMs(r.expiresAt), kiosk: r.kiosk };
        this.retryDelay = this.opts.retryMs ?? 5_000;
        this.scheduleRenewal();
        return this.device;
      } catch (err) {
        throw toKioskError(err);
      } finally {
        this.signingIn = null;
      }
    })();
    return this.signingIn;
  }

  private scheduleRenewal(): void {
    if (this.renewTimer) this.clock.clearTimeout(this.renewTimer);
    if (!this.device || this.stopped) return;
    const left = this.device.expiresAt - this.clock.now();
    const wait = Math.max(1_000, left - Math.min(this.margin, left / 2));
    this.renewTimer = this.clock.setTimeout(() => void this.renew(), wait);
  }

  private async renew(): Promise<void> {
    this.renewTimer = null;
    if (this.stopped) return;
    try {
      await this.signIn();
      this.opts.log?.("kiosk session renewed", { expiresAt: this.device?.expiresAt });
    } catch (err) {
      // The old token is still good until it expires: keep it and try again with backoff.
      const e = toKioskError(err);
      this.opts.log?.("kiosk session renewal failed", { kind: e.kind, message: e.message, retryInMs: this.retryDelay });
      if (this.stopped) return;
      this.renewTimer = this.clock.setTimeout(() => void this.renew(), this.retryDelay);
      this.retryDelay = Math.min(this.retryDelay * 2, this.opts.maxRetryMs ?? 60_000);
    }
  }
}

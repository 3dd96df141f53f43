import type { Clock, TimerHandle } from "./clock.js";

export interface IdleTimerEvents {
  /** The reset is near: `secondsLeft` until it happens (show "Still there?"). */
  warn(secondsLeft: number): void;
  /** Nobody touched the screen for the whole timeout. */
  expire(): void;
}

/**
 * One timer for "the shopper walked away": armed per screen with that screen's timeout,
 * restarted by any touch, warning `warnMs` before it expires.
 */
export class IdleTimer {
  private timeoutMs: number | null = null;
  private warnTimer: TimerHandle | null = null;
  private expireTimer: TimerHandle | null = null;
  private warning = false;

  constructor(
    private readonly clock: Clock,
    private readonly events: IdleTimerEvents,
    private readonly warnMs = 10_000,
  ) {}

  /** Whether the "Still there?" warning is showing. */
  get warned(): boolean {
    return this.warning;
  }

  /** (Re)starts the countdown with a screen's timeout; null stops it. */
  arm(timeoutMs: number | null): void {
    this.timeoutMs = timeoutMs;
    this.restart();
  }

  /** A touch: start the same countdown over. */
  activity(): void {
    if (this.timeoutMs !== null) this.restart();
  }

  disarm(): void {
    this.arm(null);
  }

  private clear(): void {
    if (this.warnTimer) this.clock.clearTimeout(this.warnTimer);
    if (this.expireTimer) this.clock.clearTimeout(this.expireTimer);
    this.warnTimer = null;
    this.expireTimer = null;
    this.warning = false;
  }

  private restart(): void {
    this.clear();
    const total = this.timeoutMs;
    if (total === null) return;
    const warnAt = total - this.warnMs;
    if (this.warnMs > 0 && warnAt > 0) {
      this.warnTimer = this.clock.setTimeout(() => {
        this.warnTimer = null;
        this.warning = true;
        this.events.warn(Math.round(this.warnMs / 1000));
      }, warnAt);
    }
    this.expireTimer = this.clock.setTimeout(() => {
      this.expireTimer = null;
      this.warning = false;
      this.timeoutMs = null;
      this.events.expire();
    }, total);
  }
}

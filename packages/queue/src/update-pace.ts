import { performance } from "node:perf_hooks";

/** Event-loop time so far (ms), as `performance.eventLoopUtilization()` gives it. */
export interface LoopTime {
  idle: number;
  active: number;
}

/**
 * How far a process stretches its watchers' "the line moved" intervals: 1 while it has time to
 * spare, up to `maxStretch` while its event loop is saturated. During a long sale most of a busy
 * process's CPU goes to such updates (a write to every waiting watcher's stream, about once a
 * second near the front), and an admitted buyer's checkout then queues behind them while the hold
 * runs down. State changes (admitted, sold out, …) are never held back, so stretching only makes the
 * shown place and ETA staler, by at most the stretched interval (docs/decisions.md §30).
 */
export interface PaceRule {
  /** Above this event-loop utilisation over a sample, the stretch doubles (up to maxStretch). */
  high: number;
  /** Below this one it halves (down to 1); in between it stays, so it does not flap. */
  low: number;
  maxStretch: number;
}

export const DEFAULT_PACE_RULE: PaceRule = { high: 0.9, low: 0.7, maxStretch: 4 };
/** Long enough for a utilisation figure to mean something, short against a sale's minutes. */
export const PACE_SAMPLE_MS = 1_000;

/** The next stretch after a sample whose event-loop utilisation was `utilisation` (0..1). */
export function nextStretch(current: number, utilisation: number, rule: PaceRule): number {
  const next = utilisation >= rule.high ? current * 2 : utilisation <= rule.low ? current / 2 : current;
  return Math.min(Math.max(1, rule.maxStretch), Math.max(1, next));
}

/** Who hears of the pace: its changes, and how long each sample held a stretch (for metrics). */
export interface PaceObserver {
  changed?(stretch: number): void;
  /** `ms` of wall time just passed at `stretch` (the factor that held during them). */
  spent?(stretch: number, ms: number): void;
}

/** Samples the process's event-loop utilisation and keeps the current stretch (read per update). */
export class UpdatePace {
  /** The factor on every watcher's interval now; 1 leaves the intervals as configured. */
  stretch = 1;
  private last: LoopTime | undefined;
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly rule: PaceRule = DEFAULT_PACE_RULE,
    private readonly observer: PaceObserver = {},
    private readonly measure: () => LoopTime = () => performance.eventLoopUtilization(),
  ) {}

  start(sampleMs = PACE_SAMPLE_MS): void {
    if (this.timer || this.rule.maxStretch <= 1) return;
    this.last = this.measure();
    this.timer = setInterval(() => this.sample(), sampleMs).unref();
  }

  stop(): void {
    clearInterval(this.timer);
    this.timer = undefined;
  }

  /** Takes one sample (the timer's job; tests call it directly). */
  sample(): void {
    const now = this.measure();
    const last = this.last ?? { idle: 0, active: 0 };
    this.last = now;
    const active = now.active - last.active;
    const total = active + (now.idle - last.idle);
    this.observer.spent?.(this.stretch, total);
    const next = nextStretch(this.stretch, total > 0 ? active / total : 0, this.rule);
    if (next === this.stretch) return;
    this.stretch = next;
    this.observer.changed?.(next);
  }
}

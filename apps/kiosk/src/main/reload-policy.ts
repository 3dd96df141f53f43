/**
 * When the page crashes or hangs, reload it, but back off if it keeps crashing (a crash loop
 * must not spin the CPU of a store device): 1 s, 2 s, 4 s … up to a minute, and the count
 * forgets crashes older than `windowMs`.
 */
export class ReloadPolicy {
  private crashes: number[] = [];

  constructor(
    private readonly opts: { baseMs?: number; maxMs?: number; windowMs?: number } = {},
  ) {}

  /** Records a crash at `now`; returns how long to wait before reloading. */
  next(now: number): number {
    const windowMs = this.opts.windowMs ?? 5 * 60_000;
    this.crashes = this.crashes.filter((t) => now - t < windowMs);
    this.crashes.push(now);
    const base = this.opts.baseMs ?? 1_000;
    return Math.min(this.opts.maxMs ?? 60_000, base * 2 ** (this.crashes.length - 1));
  }

  get recentCrashes(): number {
    return this.crashes.length;
  }
}

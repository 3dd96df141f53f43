import type { RoomStore } from "./store.js";

/**
 * Collects "this shopper is still here" marks from status polls and watchers, and writes them in
 * one script call per room every few seconds instead of one Redis write per poll.
 */
export class HeartbeatBuffer {
  private seen = new Map<number, Set<number>>();
  private timer: NodeJS.Timeout | null = null;

  constructor(
    private readonly store: RoomStore,
    private readonly intervalMs: number,
  ) {}

  mark(productId: number, seq: number): void {
    let set = this.seen.get(productId);
    if (!set) {
      set = new Set();
      this.seen.set(productId, set);
    }
    set.add(seq);
  }

  start(): void {
    this.timer = setInterval(() => void this.flush().catch(() => undefined), this.intervalMs);
    this.timer.unref();
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
  }

  async flush(now = Date.now()): Promise<void> {
    const batch = this.seen;
    this.seen = new Map();
    for (const [productId, seqs] of batch) {
      const all = [...seqs];
      for (let i = 0; i < all.length; i += 1000) await this.store.heartbeat(productId, all.slice(i, i + 1000), now);
    }
  }
}

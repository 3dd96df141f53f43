import { slotChannel } from "./keys.js";
import type { QueueMetrics } from "./metrics.js";
import type { RoomStore } from "./store.js";

/**
 * Expires admitted tickets past their deadline, returning their unit and slot, and tells the
 * admission workers a slot is free. Safe to run in every worker: the script is atomic per room.
 */
export class Sweeper {
  private timer: NodeJS.Timeout | null = null;
  expired = 0;

  constructor(
    private readonly store: RoomStore,
    private readonly opts: { intervalMs?: number; payingGraceMs?: number; metrics?: QueueMetrics } = {},
  ) {}

  start(): void {
    const tick = async () => {
      try {
        await this.sweep();
      } catch {
        // Redis hiccup: next tick.
      }
      if (this.timer) this.timer = setTimeout(tick, this.opts.intervalMs ?? 250);
    };
    this.timer = setTimeout(tick, 0);
  }

  stop(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
  }

  async sweep(now = Date.now()): Promise<number> {
    let total = 0;
    for (const productId of await this.store.activeRooms()) {
      const n = await this.store.expire(productId, now, this.opts.payingGraceMs ?? 120_000);
      if (n > 0) {
        total += n;
        this.opts.metrics?.expirations.inc({ product: String(productId) }, n);
        await this.store.redis.publish(slotChannel(this.store.prefix), String(productId));
      }
    }
    this.expired += total;
    return total;
  }
}

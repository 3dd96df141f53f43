import { Redis } from "ioredis";

/**
 * When the worker published each step of the line: this process listens to the room snapshots
 * itself (the same Redis channel the API processes fan out from) and keeps, per new "now serving"
 * number, the snapshot's own timestamp (set by the worker just before it publishes). A watcher
 * that sees the line reach N is then late by (received − publishedAt(N)).
 */
export class PublishTimes {
  private servings: number[] = [];
  private ats: number[] = [];
  private sub: Redis | null = null;
  published = 0;

  constructor(
    private readonly redisUrl: string,
    /** The queue's snapshot channel (`snapshotChannel` of @quickdeal/queue). */
    private readonly channel: string,
    private readonly productId: number,
  ) {}

  async start(): Promise<void> {
    this.sub = new Redis(this.redisUrl, { lazyConnect: true });
    this.sub.on("message", (_channel: string, message: string) => {
      const snap = JSON.parse(message) as { productId: number; serving: number; at: number };
      if (snap.productId !== this.productId) return;
      this.published++;
      const last = this.servings.at(-1) ?? Number.NEGATIVE_INFINITY;
      if (snap.serving > last) {
        this.servings.push(snap.serving);
        this.ats.push(snap.at);
      }
    });
    await this.sub.connect();
    await this.sub.subscribe(this.channel);
  }

  /** Publish time of the first snapshot whose serving number reached `serving`, if seen yet. */
  firstAtOrAfter(serving: number): number | undefined {
    let lo = 0;
    let hi = this.servings.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if ((this.servings[mid] as number) < serving) lo = mid + 1;
      else hi = mid;
    }
    return lo < this.servings.length ? this.ats[lo] : undefined;
  }

  stop(): void {
    this.sub?.disconnect();
    this.sub = null;
  }
}

import type { PublishedSnapshot } from "@quickdeal/queue";
import type { Services } from "../services.js";

export interface RoomStats {
  productId: number;
  live: boolean;
  /** Tickets handed out so far. */
  joined: number;
  waiting: number;
  admitted: number;
  capacity: number;
  reservable: number;
  sold: number;
  /** Admissions per second, smoothed by the worker. */
  admissionRate: number;
  /** Seconds until the reservable units are all admitted at the current rate; null when unknown. */
  etaSellOutSec: number | null;
  paused: boolean;
  soldOut: boolean;
  at: number;
}

export function statsOf(room: PublishedSnapshot): RoomStats {
  const waiting = Math.max(0, room.seq - room.serving - room.leftCount);
  return {
    productId: room.productId,
    live: true,
    joined: room.seq,
    waiting,
    admitted: room.admitted,
    capacity: room.capacity,
    reservable: Math.max(0, room.reservable),
    sold: room.sold,
    admissionRate: room.rate,
    etaSellOutSec: room.reservable <= 0 ? 0 : room.rate > 0 ? Math.ceil(room.reservable / room.rate) : null,
    paused: room.paused,
    soldOut: room.soldOut,
    at: room.at,
  };
}

export async function roomStats(s: Services, productId: number): Promise<RoomStats | null> {
  const room = await s.queue.admin.room(productId);
  return room ? statsOf(room) : null;
}

export interface SeriesPoint {
  at: number;
  waiting: number;
  admitted: number;
  sold: number;
  rate: number;
  /** Tickets handed out so far (the room's last sequence number). */
  joined: number;
  /** Admissions so far, cumulative. */
  admittedTotal: number;
}

/**
 * A short history per room for the operator charts, sampled once a second from the snapshots this
 * process already receives (every API process gets every room's snapshots, so any one can answer).
 */
export class RoomSeries {
  private points = new Map<number, SeriesPoint[]>();
  private timer: NodeJS.Timeout | null = null;

  constructor(
    private readonly rooms: { all(): PublishedSnapshot[] },
    private readonly keep = 600,
    private readonly everyMs = 1000,
  ) {}

  start(): void {
    if (this.timer) return;
    this.timer = setInterval(() => this.sample(), this.everyMs);
    this.timer.unref();
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
  }

  sample(now = Date.now()): void {
    for (const room of this.rooms.all()) {
      let list = this.points.get(room.productId);
      if (!list) {
        list = [];
        this.points.set(room.productId, list);
      }
      const st = statsOf(room);
      list.push({
        at: now,
        waiting: st.waiting,
        admitted: st.admitted,
        sold: st.sold,
        rate: st.admissionRate,
        joined: room.seq,
        admittedTotal: room.admittedTotal,
      });
      if (list.length > this.keep) list.splice(0, list.length - this.keep);
    }
  }

  of(productId: number, sinceMs = 0): SeriesPoint[] {
    return (this.points.get(productId) ?? []).filter((p) => p.at > sinceMs);
  }
}

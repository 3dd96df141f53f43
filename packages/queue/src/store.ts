import type { Redis } from "ioredis";
import { LUA_RATE_LIMITED, QueueError, luaError, rateLimited } from "./errors.js";
import { type BatchedJoin, JoinBatcher } from "./join-batch.js";
import { activeRoomsKey, joinLimitKey, type RoomKeys, roomKeys, slotChannel, ticketChannel } from "./keys.js";
import { type ScriptName, scriptRunner } from "./scripts.js";
import { type RoomConfig, type RoomSnapshot, STATE_BY_CODE, type TicketState } from "./types.js";

export interface TicketRecord {
  state: TicketState;
  expiresAt: number | null;
  lastSeen: number;
  orderId: number | null;
}

export interface AdmitResult {
  processed: number;
  stop: "none" | "full" | "paused";
  admitted: number;
  soldOut: boolean;
}

/**
 * A fixed-window rate limit the join script checks and counts before anything else, so a limited
 * join costs one script call (the API's per-IP join limit). Every attempt counts, also one that
 * returns an existing ticket or is refused; one past `points` in a window is refused with
 * QueueError "RATE_LIMITED" and `retryAfterMs` (until the window ends). The counter is per scope
 * and product (`joinLimitKey`): it must share the room's hash tag to run in the room's script.
 */
export interface JoinLimit {
  /** Whom the limit counts (the caller's address); the store makes the product's counter of it. */
  scope: string;
  /** Attempts allowed per window (at least 1). */
  points: number;
  /** The window's length (whole milliseconds, at least 1). */
  windowMs: number;
}

/** The one door to Redis: typed wrappers around the Lua scripts and the few plain reads. */
export class RoomStore {
  private readonly run: (name: ScriptName, keys: string[], args: (string | number)[]) => Promise<unknown>;
  private readonly joins: JoinBatcher;

  constructor(
    readonly redis: Redis,
    readonly prefix: string,
  ) {
    this.run = scriptRunner(redis);
    this.joins = new JoinBatcher((productId, joins) => this.sendJoins(productId, joins));
  }

  keys(productId: number): RoomKeys {
    return roomKeys(this.prefix, productId);
  }

  async initRoom(cfg: RoomConfig, held = 0): Promise<boolean> {
    const k = this.keys(cfg.productId);
    const created = await this.run(
      "init-room",
      [k.room],
      [
        Math.max(0, cfg.stock - held),
        cfg.initialStock - cfg.stock,
        cfg.capacity,
        cfg.checkoutTtlSec * 1000,
        cfg.saleStartsAt.getTime(),
        cfg.saleEndsAt?.getTime() ?? 0,
        cfg.paused ? 1 : 0,
      ],
    );
    await this.redis.sadd(activeRoomsKey(this.prefix), String(cfg.productId));
    return created === 1;
  }

  async hasRoom(productId: number): Promise<boolean> {
    return (await this.redis.exists(this.keys(productId).room)) === 1;
  }

  /**
   * Returns the user's place; `created` is false when they already had an active ticket. With a
   * `limit`, the attempt is counted first and refused (QueueError "RATE_LIMITED") past its points.
   */
  async join(
    productId: number,
    userId: string,
    now: number,
    limit?: JoinLimit,
  ): Promise<{ seq: number; created: boolean; state: TicketState }> {
    // Joins arriving together share one script call (join-batch.ts); each gets its own reply.
    const r = await this.joins.add(productId, {
      userId,
      now,
      limit: limit && {
        key: joinLimitKey(this.prefix, productId, limit.scope),
        points: Math.max(1, Math.floor(limit.points)),
        windowMs: Math.max(1, Math.round(limit.windowMs)),
      },
    });
    if (typeof r === "number") throw luaError(r);
    const [seq, second, code] = r as [number, number, string];
    // Rate limited: {-10, ms until the window ends}.
    if (seq === LUA_RATE_LIMITED) throw rateLimited(second);
    return { seq, created: second === 1, state: STATE_BY_CODE[code] ?? "WAITING" };
  }

  /**
   * One room's batch as one join-n.lua call. Every key has the room's hash tag (the limit counters
   * too), so one Cluster slot; a counter two joins share is passed once.
   */
  private async sendJoins(productId: number, joins: BatchedJoin[]): Promise<unknown[]> {
    const k = this.keys(productId);
    const keys = [k.room, k.tickets, k.users];
    const counterAt = new Map<string, number>();
    const args: (string | number)[] = [];
    for (const j of joins) {
      let at = 0;
      if (j.limit) {
        at = counterAt.get(j.limit.key) ?? 0;
        if (at === 0) {
          keys.push(j.limit.key);
          at = keys.length; // KEYS is 1-based
          counterAt.set(j.limit.key, at);
        }
      }
      args.push(j.userId, j.now, j.limit?.points ?? 0, j.limit?.windowMs ?? 0, at);
    }
    return (await this.run("join", keys, args)) as unknown[];
  }

  async cancel(productId: number, seq: number, userId: string): Promise<boolean> {
    const k = this.keys(productId);
    return (await this.run("cancel", [k.room, k.tickets, k.users], [seq, userId])) === 1;
  }

  async admit(productId: number, seqs: number[], now: number, graceSec: number): Promise<AdmitResult> {
    const k = this.keys(productId);
    const [processed, stop, admitted, soldOut] = (await this.run(
      "admit",
      [k.room, k.tickets, k.expiries, k.left],
      [now, Math.floor(now / 1000), graceSec, ...seqs],
    )) as [number, number, number, number];
    return { processed, stop: stop === 1 ? "full" : stop === 2 ? "paused" : "none", admitted, soldOut: soldOut === 1 };
  }

  async expire(productId: number, now: number, payingGraceMs: number, limit = 500): Promise<number> {
    const k = this.keys(productId);
    return (await this.run("expire", [k.room, k.tickets, k.expiries], [now, payingGraceMs, limit, ticketChannel(this.prefix), productId])) as number;
  }

  async begin(productId: number, seq: number, now: number): Promise<{ alreadyPurchased: boolean; orderId: number | null; expiresAt: number }> {
    const k = this.keys(productId);
    const r = await this.run("begin", [k.room, k.tickets], [seq, now, ticketChannel(this.prefix), productId]);
    if (typeof r === "number") throw luaError(r);
    const [kind, value] = r as [number, number];
    return kind === 1 ? { alreadyPurchased: true, orderId: value, expiresAt: 0 } : { alreadyPurchased: false, orderId: null, expiresAt: value };
  }

  /**
   * Marks the ticket PURCHASED, frees its slot (telling the workers) and returns the room as it is
   * now, in one script call.
   */
  async complete(
    productId: number,
    seq: number,
    orderId: number,
  ): Promise<{ done: boolean; room: RoomCounters | null; leftCount: number }> {
    const k = this.keys(productId);
    const args = [seq, orderId, slotChannel(this.prefix), productId, ticketChannel(this.prefix)];
    const r = await this.run("complete", [k.room, k.tickets, k.expiries, k.left], args);
    if (typeof r === "number") throw luaError(r);
    const [done, flat, leftCount] = r as [number, string[], number];
    const h: Record<string, string> = {};
    for (let i = 0; i + 1 < flat.length; i += 2) h[flat[i] as string] = flat[i + 1] as string;
    return { done: done === 1, room: parseRoom(productId, h), leftCount };
  }

  async abandon(productId: number, seq: number, now: number): Promise<"admitted" | "expired" | "none"> {
    const k = this.keys(productId);
    const r = (await this.run("abandon", [k.room, k.tickets, k.expiries], [seq, now, ticketChannel(this.prefix), productId])) as number;
    return r === 1 ? "admitted" : r === 2 ? "expired" : "none";
  }

  async leave(productId: number, seq: number): Promise<"left" | "released" | "none"> {
    const k = this.keys(productId);
    const r = (await this.run("leave", [k.room, k.tickets, k.expiries, k.left], [seq, ticketChannel(this.prefix), productId])) as number;
    if (r < 0) throw luaError(r);
    return r === 1 ? "left" : r === 2 ? "released" : "none";
  }

  async heartbeat(productId: number, seqs: number[], now: number): Promise<number> {
    if (seqs.length === 0) return 0;
    return (await this.run("heartbeat", [this.keys(productId).tickets], [Math.floor(now / 1000), ...seqs])) as number;
  }

  async restock(productId: number, delta: number): Promise<number> {
    const r = (await this.run("restock", [this.keys(productId).room], [delta])) as number;
    if (r === -1) throw new QueueError("NOT_FOUND", "This product has no waiting room yet.");
    return r;
  }

  async reconcile(productId: number, stock: number, sold: number, pending: number): Promise<{ reservable: number; admitted: number; sold: number }> {
    const k = this.keys(productId);
    const [reservable, admitted, s] = (await this.run("reconcile", [k.room, k.tickets, k.expiries], [stock, sold, pending])) as number[];
    return { reservable: reservable ?? 0, admitted: admitted ?? 0, sold: s ?? 0 };
  }

  async setPaused(productId: number, paused: boolean): Promise<void> {
    const k = this.keys(productId);
    await this.redis.multi().hset(k.room, "paused", paused ? 1 : 0).hincrby(k.room, "version", 1).exec();
  }

  async ticket(productId: number, seq: number): Promise<TicketRecord | null> {
    const rec = await this.redis.hget(this.keys(productId).tickets, String(seq));
    return rec === null ? null : parseRecord(rec);
  }

  async ticketOf(productId: number, userId: string): Promise<number | null> {
    const seq = await this.redis.hget(this.keys(productId).users, userId);
    return seq === null ? null : Number(seq);
  }

  /** Raw room counters (without the rate, which only the worker measures). */
  async room(productId: number): Promise<RoomCounters | null> {
    return parseRoom(productId, await this.redis.hgetall(this.keys(productId).room));
  }

  async leftAhead(productId: number, serving: number): Promise<number[]> {
    const seqs = await this.redis.zrangebyscore(this.keys(productId).left, `(${serving}`, "+inf", "LIMIT", 0, 10_000);
    return seqs.map(Number);
  }

  async activeRooms(): Promise<number[]> {
    return (await this.redis.smembers(activeRoomsKey(this.prefix))).map(Number);
  }

  /** Test and admin helper: forget a room entirely. */
  async dropRoom(productId: number): Promise<void> {
    const k = this.keys(productId);
    await this.redis.del(k.room, k.tickets, k.users, k.expiries, k.left);
    await this.redis.srem(activeRoomsKey(this.prefix), String(productId));
  }
}

/** A room's counters as Redis holds them (the rate and time are added by whoever publishes). */
export type RoomCounters = Omit<RoomSnapshot, "rate" | "at">;

function parseRoom(productId: number, h: Record<string, string>): RoomCounters | null {
  if (!h.seq) return null;
  const n = (f: string) => Number(h[f] ?? 0);
  return {
    productId,
    seq: n("seq"),
    serving: n("serving"),
    admitted: n("admitted"),
    reservable: n("reservable"),
    sold: n("sold"),
    capacity: n("capacity"),
    ttlMs: n("ttl"),
    startsAt: n("starts"),
    endsAt: n("ends"),
    paused: h.paused === "1",
    soldOut: h.soldout === "1",
    admittedTotal: n("admittedTotal"),
    version: n("version"),
  };
}

export function parseRecord(rec: string): TicketRecord {
  const [code = "W", expires = "0", lastSeen = "0", orderId = ""] = rec.split("|");
  const exp = Number(expires);
  return {
    state: STATE_BY_CODE[code] ?? "WAITING",
    expiresAt: exp > 0 ? exp : null,
    lastSeen: Number(lastSeen),
    orderId: orderId ? Number(orderId) : null,
  };
}

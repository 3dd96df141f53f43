import fc from "fast-check";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { QueueError } from "../src/errors.js";
import { MAX_JOIN_BATCH } from "../src/join-batch.js";
import { scriptRunner } from "../src/scripts.js";
import type { JoinLimit, RoomStore } from "../src/store.js";
import { joinLimitKey, slotChannel, ticketChannel } from "../src/keys.js";
import { roomConfig, testStore, until } from "./helpers.js";

/** Each Lua script against a real Redis, on a random key prefix. */
let t: Awaited<ReturnType<typeof testStore>>;
let store: RoomStore;
const P = 1;
const now = () => Date.now();
const GRACE = 120;

beforeEach(async () => {
  t = await testStore();
  store = t.store;
});
afterEach(() => t.cleanup());

/** The part of a key Redis Cluster hashes: between the first `{` and the next `}`, if not empty. */
function hashTag(key: string): string | null {
  const open = key.indexOf("{");
  const close = open < 0 ? -1 : key.indexOf("}", open + 1);
  return close > open + 1 ? key.slice(open + 1, close) : null;
}

async function joinMany(n: number, productId = P) {
  const seqs: number[] = [];
  for (let i = 0; i < n; i++) seqs.push((await store.join(productId, `u${i}`, now())).seq);
  return seqs;
}

describe("init-room", () => {
  it("creates counters once and later refreshes only settings", async () => {
    expect(await store.initRoom(roomConfig({ stock: 7, initialStock: 10 }))).toBe(true);
    let room = await store.room(P);
    expect(room).toMatchObject({ reservable: 7, sold: 3, capacity: 3, seq: 0, serving: 0, soldOut: false });
    await store.join(P, "a", now());
    expect(await store.initRoom(roomConfig({ stock: 1, capacity: 9 }))).toBe(false);
    room = await store.room(P);
    expect(room).toMatchObject({ reservable: 7, capacity: 9, seq: 1 });
  });
  it("marks a room without stock sold out", async () => {
    await store.initRoom(roomConfig({ stock: 0 }));
    expect((await store.room(P))?.soldOut).toBe(true);
  });
});

describe("join", () => {
  beforeEach(() => store.initRoom(roomConfig()));
  it("hands out increasing numbers and one ticket per user", async () => {
    const a = await store.join(P, "a", now());
    const b = await store.join(P, "b", now());
    const again = await store.join(P, "a", now());
    expect([a.seq, b.seq]).toEqual([1, 2]);
    expect(again).toEqual({ seq: 1, created: false, state: "WAITING" });
    expect(await store.ticketOf(P, "a")).toBe(1);
    expect((await store.ticket(P, 1))?.state).toBe("WAITING");
  });
  it("refuses before the sale, after it, when sold out, and without a room", async () => {
    await store.initRoom(roomConfig({ productId: 2, saleStartsAt: new Date(now() + 60_000) }));
    await expect(store.join(2, "a", now())).rejects.toMatchObject({ code: "SALE_NOT_STARTED" });
    await store.initRoom(roomConfig({ productId: 3, saleStartsAt: new Date(now() - 120_000), saleEndsAt: new Date(now() - 1000) }));
    await expect(store.join(3, "a", now())).rejects.toMatchObject({ code: "SALE_ENDED" });
    await store.initRoom(roomConfig({ productId: 4, stock: 0 }));
    await expect(store.join(4, "a", now())).rejects.toMatchObject({ code: "SOLD_OUT" });
    await expect(store.join(99, "a", now())).rejects.toBeInstanceOf(QueueError);
    expect((await store.room(2))?.seq).toBe(0);
  });
  it("lets a user who left line up again at the back", async () => {
    await store.join(P, "a", now());
    await store.join(P, "b", now());
    await store.leave(P, 1);
    const again = await store.join(P, "a", now());
    expect(again).toMatchObject({ seq: 3, created: true });
  });

  describe("with a limit", () => {
    const IP = "10.0.0.1";
    const limitOf = (windowMs = 60_000, points = 3): JoinLimit => ({ scope: IP, points, windowMs });
    /** The scope's counter at a product: one per product, in the room's hash tag. */
    const counterAt = (productId: number) => joinLimitKey(t.prefix, productId, IP);
    const refusal = (p: Promise<unknown>) => p.then(() => null, (e: unknown) => e as QueueError);

    it("counts every attempt in a fixed window and refuses past its points with the time left", async () => {
      const limit = limitOf();
      const key = counterAt(P);
      // A new place and a repeat join (same ticket) count.
      expect(await store.join(P, "a", now(), limit)).toMatchObject({ seq: 1, created: true });
      expect(await store.join(P, "a", now(), limit)).toMatchObject({ seq: 1, created: false });
      expect(await store.join(P, "b", now(), limit)).toMatchObject({ seq: 2, created: true });
      // The counter is rate-limiter-flexible's: an integer with the window as its expiry.
      expect(await t.redis.get(key)).toBe("3");
      const ttl = await t.redis.pttl(key);
      expect(ttl).toBeGreaterThan(59_000);
      const err = await refusal(store.join(P, "c", now(), limit));
      expect(err).toBeInstanceOf(QueueError);
      expect(err).toMatchObject({ code: "RATE_LIMITED", message: "Too many attempts. Please wait 60 seconds and try again." });
      expect(err?.retryAfterMs).toBeGreaterThan(59_000);
      expect(err?.retryAfterMs).toBeLessThanOrEqual(ttl);
      // A refused attempt counts too, does not move the window, and takes no place.
      expect(await t.redis.get(key)).toBe("4");
      expect(await t.redis.pttl(key)).toBeLessThanOrEqual(ttl);
      expect(await store.ticketOf(P, "c")).toBeNull();
      expect((await store.room(P))?.seq).toBe(2);
      // Joins without a limit (worker, tests) neither check nor count it.
      expect(await store.join(P, "d", now())).toMatchObject({ seq: 3, created: true });
      expect(await t.redis.get(key)).toBe("4");
    });

    it("counts per product: another room has its own counter, and a join it refuses counts there", async () => {
      const limit = limitOf(60_000, 1);
      await store.join(P, "a", now(), limit);
      await expect(store.join(P, "b", now(), limit)).rejects.toMatchObject({ code: "RATE_LIMITED" });
      await store.initRoom(roomConfig({ productId: 2, saleStartsAt: new Date(now() + 60_000) }));
      await expect(store.join(2, "b", now(), limit)).rejects.toMatchObject({ code: "SALE_NOT_STARTED" });
      expect(await t.redis.get(counterAt(2))).toBe("1");
      expect(await t.redis.get(counterAt(P))).toBe("2");
      await expect(store.join(2, "b", now(), limit)).rejects.toMatchObject({ code: "RATE_LIMITED" });
      // A product without a room counts its attempts too.
      await expect(store.join(3, "b", now(), limit)).rejects.toMatchObject({ code: "NOT_FOUND" });
      expect(await t.redis.get(counterAt(3))).toBe("1");
    });

    it("touches only keys in the room's hash tag, with a limit or without (one Cluster slot)", async () => {
      // Every script call as sent (EVALSHA, or EVAL the first time): `sha|lua, numkeys, ...keys, ...argv`.
      const scripts: string[][] = [];
      const send = t.redis.sendCommand.bind(t.redis);
      const spy = vi.spyOn(t.redis, "sendCommand").mockImplementation((command, stream) => {
        if (command.name === "evalsha" || command.name === "eval") {
          scripts.push(command.args.slice(2, 2 + Number(command.args[1])).map(String));
        }
        return send(command, stream);
      });
      try {
        for (const productId of [P, 42]) {
          await store.initRoom(roomConfig({ productId }));
          await store.join(productId, "a", now(), limitOf());
          await store.join(productId, "b", now());
        }
      } finally {
        spy.mockRestore();
      }
      // Per product: init-room (1 key), a limited join (room, tickets, users, counter) and an
      // unlimited one (no counter).
      expect(scripts.map((keys) => keys.length)).toEqual([1, 4, 3, 1, 4, 3]);
      for (const [i, productId] of [P, P, P, 42, 42, 42].entries()) {
        for (const key of scripts[i] ?? []) expect(hashTag(key), key).toBe(`p:${productId}`);
      }
      expect(scripts[1]?.[3]).toBe(counterAt(P));
      expect(scripts[4]?.[3]).toBe(counterAt(42));
    });

    it("checks the limit before anything else and answers {-10, ms left}", async () => {
      const limit = limitOf(60_000, 1);
      const key = counterAt(99);
      await t.redis.set(key, "1", "PX", 30_000);
      // No room at all: the limit still answers first.
      const k = store.keys(99);
      const [r] = (await scriptRunner(t.redis)("join", [k.room, k.tickets, k.users, key], ["a", now(), 1, 60_000, 4])) as number[][];
      expect(r?.[0]).toBe(-10);
      expect(r?.[1]).toBeGreaterThan(29_000);
      expect(r?.[1]).toBeLessThanOrEqual(30_000);
      await expect(store.join(99, "a", now(), limit)).rejects.toMatchObject({ code: "RATE_LIMITED" });
      // A counter left without an expiry gets the window's.
      await t.redis.set(counterAt(P), "0");
      await store.join(P, "a", now(), limit);
      expect(await t.redis.pttl(counterAt(P))).toBeGreaterThan(59_000);
    });

    it("opens a new window once the old one ends", async () => {
      const limit = limitOf(300, 2);
      const key = counterAt(P);
      await store.join(P, "a", now(), limit);
      await store.join(P, "b", now(), limit);
      const err = await refusal(store.join(P, "c", now(), limit));
      expect(err).toMatchObject({ code: "RATE_LIMITED", message: "Too many attempts. Please wait 1 second and try again." });
      expect(err?.retryAfterMs).toBeLessThanOrEqual(300);
      await until("the window's end", async () => (await t.redis.exists(key)) === 0, 2000, 20);
      expect(await store.join(P, "c", now(), limit)).toMatchObject({ seq: 3, created: true });
      expect(await t.redis.get(key)).toBe("1");
    });
  });
});

describe("joins arriving together (join-batch.ts)", () => {
  beforeEach(() => store.initRoom(roomConfig()));

  const roomUsersOf = (room: string) => {
    const m = /\{p:(\d+)\}/.exec(room);
    return m ? store.keys(Number(m[1])).users : null;
  };

  /** Every join script call as sent: its keys and its ARGV. */
  function recordJoinCalls() {
    const calls: { keys: string[]; argv: string[] }[] = [];
    const send = t.redis.sendCommand.bind(t.redis);
    const spy = vi.spyOn(t.redis, "sendCommand").mockImplementation((command, stream) => {
      if (command.name === "evalsha" || command.name === "eval") {
        const args = command.args.map(String);
        const numKeys = Number(args[1]);
        const keys = args.slice(2, 2 + numKeys);
        // Only join calls: KEYS[3] a room's users hash.
        const users = keys[0] === undefined ? null : roomUsersOf(keys[0]);
        if (users !== null && keys[2] === users) calls.push({ keys, argv: args.slice(2 + numKeys) });
      }
      return send(command, stream);
    });
    return { calls, restore: () => spy.mockRestore() };
  }

  it("go to Redis as one script call per room, in the order they came, each with its own answer", async () => {
    await store.initRoom(roomConfig({ productId: 42 }));
    const one: JoinLimit = { scope: "10.0.0.1", points: 2, windowMs: 60_000 };
    const two: JoinLimit = { scope: "10.0.0.2", points: 2, windowMs: 60_000 };
    const rec = recordJoinCalls();
    let settled: PromiseSettledResult<unknown>[];
    try {
      settled = await Promise.allSettled([
        store.join(P, "a", now()),
        store.join(P, "b", now(), one),
        store.join(P, "a", now()), // the same user again: the same place
        store.join(P, "c", now(), one),
        store.join(P, "d", now(), one), // a third attempt from one scope: refused
        store.join(42, "a", now()), // another room: its own call
        store.join(P, "e", now(), two),
        store.join(99, "a", now()), // no room: refused alone
      ]);
    } finally {
      rec.restore();
    }
    const outcome = settled.map((s) => (s.status === "fulfilled" ? s.value : (s.reason as QueueError).code));
    expect(outcome).toEqual([
      { seq: 1, created: true, state: "WAITING" },
      { seq: 2, created: true, state: "WAITING" },
      { seq: 1, created: false, state: "WAITING" },
      { seq: 3, created: true, state: "WAITING" },
      "RATE_LIMITED",
      { seq: 1, created: true, state: "WAITING" },
      { seq: 4, created: true, state: "WAITING" },
      "NOT_FOUND",
    ]);
    // One call per room; each scope's counter passed once, the joins pointing at it by index.
    expect(rec.calls.map((c) => c.keys.length)).toEqual([5, 3, 3]);
    const [room] = rec.calls;
    expect(room?.keys.slice(3)).toEqual([joinLimitKey(t.prefix, P, one.scope), joinLimitKey(t.prefix, P, two.scope)]);
    expect(room?.argv.filter((_, i) => i % 5 === 0)).toEqual(["a", "b", "a", "c", "d", "e"]);
    expect(room?.argv.filter((_, i) => i % 5 === 4)).toEqual(["0", "4", "0", "4", "4", "5"]);
    expect(await t.redis.get(joinLimitKey(t.prefix, P, one.scope))).toBe("3");
    expect(await t.redis.get(joinLimitKey(t.prefix, P, two.scope))).toBe("1");
    expect(await store.ticketOf(P, "d")).toBeNull();
    expect((await store.ticket(P, 4))?.lastSeen).toBe(Math.floor(now() / 1000));
  });

  it("split past the batch limit into calls that keep the order", async () => {
    const rec = recordJoinCalls();
    const n = MAX_JOIN_BATCH * 2 + 10;
    let seqs: number[];
    try {
      seqs = (await Promise.all(Array.from({ length: n }, (_, i) => store.join(P, `u${i}`, now())))).map((r) => r.seq);
    } finally {
      rec.restore();
    }
    expect(seqs).toEqual(Array.from({ length: n }, (_, i) => i + 1));
    expect(rec.calls.map((c) => c.argv.length / 5)).toEqual([MAX_JOIN_BATCH, MAX_JOIN_BATCH, 10]);
  });

  it("answer and leave Redis exactly as the same joins sent one call each", async () => {
    // The script makes its writes once per batch; this holds it to the one-join-per-call result,
    // over batches mixing repeat joins, users who left, several scopes and refusals.
    const joinArb = fc.record({
      user: fc.constantFrom("a", "b", "c", "d", "e"),
      scope: fc.integer({ min: 0, max: 2 }), // 0: no limit
      points: fc.integer({ min: 1, max: 6 }),
    });
    const roundArb = fc.record({ joins: fc.array(joinArb, { minLength: 1, maxLength: 12 }), leaves: fc.subarray(["a", "b", "c", "d", "e"]) });
    const at = Date.now();
    const limitOf = (scope: number, points: number): JoinLimit | undefined =>
      scope > 0 ? { scope: `10.0.0.${scope}`, points, windowMs: 60_000 } : undefined;
    // A join's answer, or its refusal's code; a refusal's time left differs by the milliseconds
    // between the two rooms' calls, so only its range is held.
    const outcome = (s: PromiseSettledResult<unknown>) => {
      if (s.status === "fulfilled") return s.value;
      const err = s.reason as QueueError;
      if (err.code === "RATE_LIMITED") {
        expect(err.retryAfterMs).toBeGreaterThan(50_000);
        expect(err.retryAfterMs).toBeLessThanOrEqual(60_000);
      }
      return err.code;
    };
    let room = 100;
    await fc.assert(
      fc.asyncProperty(fc.array(roundArb, { minLength: 1, maxLength: 4 }), async (rounds) => {
        const batched = ++room;
        const single = ++room;
        const saleStartsAt = new Date(at - 60_000);
        await store.initRoom(roomConfig({ productId: batched, saleStartsAt }));
        await store.initRoom(roomConfig({ productId: single, saleStartsAt }));
        const replies = { batched: [] as unknown[], single: [] as unknown[] };
        for (const round of rounds) {
          // Joins started in one turn leave as one script call (join-batch.ts); awaited one by one, each is its own.
          const together = await Promise.allSettled(round.joins.map((j) => store.join(batched, j.user, at, limitOf(j.scope, j.points))));
          replies.batched.push(...together.map(outcome));
          for (const j of round.joins) {
            const [alone] = await Promise.allSettled([store.join(single, j.user, at, limitOf(j.scope, j.points))]);
            replies.single.push(outcome(alone as PromiseSettledResult<unknown>));
          }
          for (const user of round.leaves) {
            for (const productId of [batched, single]) {
              const seq = await store.ticketOf(productId, user);
              if (seq !== null) await store.leave(productId, seq);
            }
          }
        }
        expect(replies.batched).toEqual(replies.single);
        const state = async (productId: number) => {
          const k = store.keys(productId);
          const counters = await Promise.all([1, 2].map((s) => t.redis.get(joinLimitKey(t.prefix, productId, `10.0.0.${s}`))));
          return {
            room: await t.redis.hgetall(k.room),
            tickets: await t.redis.hgetall(k.tickets),
            users: await t.redis.hgetall(k.users),
            counters,
          };
        };
        expect(await state(batched)).toEqual(await state(single));
      }),
      { numRuns: 40 },
    );
  });

  it("all fail when their call fails, and the next joins go through", async () => {
    // A room hash of the wrong type makes the script itself fail (WRONGTYPE).
    await t.redis.set(store.keys(7).room, "not a hash");
    const settled = await Promise.allSettled([store.join(7, "a", now()), store.join(7, "b", now()), store.join(P, "c", now())]);
    expect(settled.map((s) => s.status)).toEqual(["rejected", "rejected", "fulfilled"]);
    expect(String((settled[0] as PromiseRejectedResult).reason)).toMatch(/WRONGTYPE/);
    await t.redis.del(store.keys(7).room);
    await store.initRoom(roomConfig({ productId: 7 }));
    expect(await store.join(7, "a", now())).toMatchObject({ seq: 1, created: true });
  });
});

describe("cancel", () => {
  it("takes back a waiting place so a retry gets a fresh one", async () => {
    await store.initRoom(roomConfig());
    const a = await store.join(P, "a", now());
    expect(await store.cancel(P, a.seq, "a")).toBe(true);
    expect(await store.ticket(P, a.seq)).toBeNull();
    expect(await store.ticketOf(P, "a")).toBeNull();
    expect(await store.cancel(P, a.seq, "a")).toBe(false);
  });
});

describe("admit", () => {
  it("admits in order up to capacity, then stops as full", async () => {
    await store.initRoom(roomConfig({ capacity: 3, stock: 10 }));
    const seqs = await joinMany(5);
    const r = await store.admit(P, seqs, now(), GRACE);
    expect(r).toEqual({ processed: 3, stop: "full", admitted: 3, soldOut: false });
    expect((await store.ticket(P, 3))?.state).toBe("ADMITTED");
    expect((await store.ticket(P, 4))?.state).toBe("WAITING");
    expect(await store.room(P)).toMatchObject({ admitted: 3, reservable: 7, serving: 3, admittedTotal: 3 });
  });
  it("is idempotent: replaying admitted seqs admits nobody twice", async () => {
    await store.initRoom(roomConfig({ capacity: 3 }));
    const seqs = await joinMany(2);
    await store.admit(P, seqs, now(), GRACE);
    const again = await store.admit(P, seqs, now(), GRACE);
    expect(again).toEqual({ processed: 2, stop: "none", admitted: 0, soldOut: false });
    expect((await store.room(P))?.admitted).toBe(2);
  });
  it("stops when paused and goes on after resume", async () => {
    await store.initRoom(roomConfig());
    const seqs = await joinMany(2);
    await store.setPaused(P, true);
    expect((await store.admit(P, seqs, now(), GRACE)).stop).toBe("paused");
    await store.setPaused(P, false);
    expect((await store.admit(P, seqs, now(), GRACE)).admitted).toBe(2);
  });
  it("waits while units are held, and sells out when none are left and nobody holds one", async () => {
    await store.initRoom(roomConfig({ stock: 1, capacity: 5 }));
    const seqs = await joinMany(3);
    const first = await store.admit(P, seqs, now(), GRACE);
    expect(first).toMatchObject({ processed: 1, stop: "full", admitted: 1 });
    await store.begin(P, 1, now());
    await store.complete(P, 1, 42);
    expect((await store.room(P))?.soldOut).toBe(true);
    const rest = await store.admit(P, seqs.slice(1), now(), GRACE);
    expect(rest).toEqual({ processed: 2, stop: "none", admitted: 0, soldOut: true });
    expect((await store.ticket(P, 2))?.state).toBe("SOLD_OUT");
  });
  it("skips tickets that left or stopped sending heartbeats", async () => {
    await store.initRoom(roomConfig({ capacity: 5 }));
    const seqs = await joinMany(3);
    await store.leave(P, 1);
    const later = now() + 200_000; // ticket 2 and 3 last seen "now", grace 120 s
    await store.heartbeat(P, [3], later);
    const r = await store.admit(P, seqs, later, GRACE);
    expect(r).toMatchObject({ processed: 3, admitted: 1 });
    expect((await store.ticket(P, 1))?.state).toBe("LEFT");
    expect((await store.ticket(P, 2))?.state).toBe("LEFT");
    expect((await store.ticket(P, 3))?.state).toBe("ADMITTED");
    // The left list is pruned once admission passes it.
    expect(await store.leftAhead(P, 0)).toEqual([]);
  });
  it("passes over unknown seqs (a cancelled join)", async () => {
    await store.initRoom(roomConfig());
    expect(await store.admit(P, [5], now(), GRACE)).toMatchObject({ processed: 1, admitted: 0 });
    expect((await store.room(P))?.serving).toBe(5);
  });
});

describe("expire", () => {
  it("returns the unit and slot of admitted tickets past their deadline", async () => {
    await store.initRoom(roomConfig({ capacity: 2, checkoutTtlSec: 1 }));
    const seqs = await joinMany(2);
    const t0 = now();
    await store.admit(P, seqs, t0, GRACE);
    await store.begin(P, 2, t0);
    expect(await store.expire(P, t0 + 500, 10_000)).toBe(0);
    // The ADMITTED one expires; the PAYING one gets its grace.
    expect(await store.expire(P, t0 + 1500, 10_000)).toBe(1);
    expect((await store.ticket(P, 1))?.state).toBe("EXPIRED");
    expect((await store.ticket(P, 2))?.state).toBe("PAYING");
    expect(await store.room(P)).toMatchObject({ admitted: 1, reservable: 9 });
    expect(await store.expire(P, t0 + 20_000, 10_000)).toBe(1);
    expect(await store.room(P)).toMatchObject({ admitted: 0, reservable: 10 });
  });
});

describe("checkout slot", () => {
  beforeEach(async () => {
    await store.initRoom(roomConfig({ capacity: 2, stock: 2, initialStock: 2 }));
    await store.admit(P, await joinMany(2), now(), GRACE);
  });
  it("begin rejects a second submit and a waiting ticket", async () => {
    await store.join(P, "late", now());
    const before = (await store.room(P))?.version ?? 0;
    expect((await store.begin(P, 1, now())).alreadyPurchased).toBe(false);
    // A ticket changed: the room's version moves, so watchers holding its record re-read it.
    expect((await store.room(P))?.version).toBe(before + 1);
    await expect(store.begin(P, 1, now())).rejects.toMatchObject({ code: "ALREADY_PAYING" });
    await expect(store.begin(P, 3, now())).rejects.toMatchObject({ code: "NOT_ADMITTED" });
    await expect(store.begin(P, 77, now())).rejects.toMatchObject({ code: "BAD_TICKET" });
  });
  it("begin refuses a held unit past its deadline", async () => {
    await expect(store.begin(P, 1, now() + 61_000)).rejects.toMatchObject({ code: "EXPIRED" });
  });
  it("complete sells the unit once, tells the workers, returns the room, and reports the order on a later begin", async () => {
    const sub = t.redis.duplicate();
    const heard: string[] = [];
    sub.on("message", (_channel: string, message: string) => heard.push(message));
    await sub.subscribe(slotChannel(t.prefix));
    await store.leave(P, 2);
    await store.begin(P, 1, now());
    const first = await store.complete(P, 1, 500);
    const again = await store.complete(P, 1, 500);
    const room = await store.room(P);
    expect(room).toMatchObject({ sold: 1, admitted: 0, reservable: 1 });
    // The room it returns is the one Redis now holds (the version included), with the left count.
    expect(first).toEqual({ done: true, room, leftCount: 0 });
    expect(again).toEqual({ done: false, room, leftCount: 0 });
    await until("the slot message", () => heard.length > 0, 2000);
    // One message for the one real completion.
    await new Promise((r) => setTimeout(r, 100));
    expect(heard).toEqual([String(P)]);
    sub.disconnect();
    await expect(store.complete(P, 77, 1)).rejects.toMatchObject({ code: "BAD_TICKET" });
    expect(await store.begin(P, 1, now())).toEqual({ alreadyPurchased: true, orderId: 500, expiresAt: 0 });
  });
  it("abandon puts the ticket back to ADMITTED, or expires it past the deadline", async () => {
    await store.begin(P, 1, now());
    expect(await store.abandon(P, 1, now())).toBe("admitted");
    await store.begin(P, 2, now());
    expect(await store.abandon(P, 2, now() + 61_000)).toBe("expired");
    expect(await store.room(P)).toMatchObject({ admitted: 1, reservable: 1 });
  });
  it("leave gives back a held unit, but not while paying", async () => {
    expect(await store.leave(P, 1)).toBe("released");
    await store.begin(P, 2, now());
    await expect(store.leave(P, 2)).rejects.toMatchObject({ code: "ALREADY_PAYING" });
    expect(await store.room(P)).toMatchObject({ admitted: 1, reservable: 1 });
  });
});

describe("ticket channel", () => {
  it("announces each change of a held ticket once, as <product>:<seq>, and nothing that changed nothing", async () => {
    await store.initRoom(roomConfig({ capacity: 4, stock: 4, initialStock: 4, checkoutTtlSec: 1 }));
    await store.admit(P, await joinMany(4), now(), GRACE);
    await store.join(P, "waiting", now());
    const sub = t.redis.duplicate();
    const heard: string[] = [];
    sub.on("message", (channel: string, message: string) => heard.push(`${channel === ticketChannel(t.prefix) ? "" : "?"}${message}`));
    await sub.subscribe(ticketChannel(t.prefix));
    const t0 = now();
    await store.begin(P, 1, t0); // 1: ADMITTED -> PAYING
    await expect(store.begin(P, 1, t0)).rejects.toMatchObject({ code: "ALREADY_PAYING" });
    await store.abandon(P, 1, t0); // 1: PAYING -> ADMITTED
    expect(await store.abandon(P, 1, t0)).toBe("none");
    await store.begin(P, 1, t0);
    await store.complete(P, 1, 11); // 1: PAYING -> PURCHASED
    await store.complete(P, 1, 11); // already done: no news
    await store.leave(P, 2); // 2: ADMITTED -> LEFT
    await store.leave(P, 5); // 5: WAITING -> LEFT
    await store.begin(P, 3, t0);
    expect(await store.abandon(P, 3, t0 + 5_000)).toBe("expired"); // 3: PAYING -> EXPIRED
    expect(await store.expire(P, t0 + 5_000, 10_000)).toBe(1); // 4: ADMITTED -> EXPIRED
    expect(await store.expire(P, t0 + 5_000, 10_000)).toBe(0);
    const expected = ["1:1", "1:1", "1:1", "1:1", "1:2", "1:5", "1:3", "1:3", "1:4"];
    await until("every announcement", () => heard.length >= expected.length, 2000);
    await new Promise((r) => setTimeout(r, 100));
    expect(heard).toEqual(expected);
    sub.disconnect();
  });
});

describe("restock and reconcile", () => {
  it("restock moves the pool and clears sold out", async () => {
    await store.initRoom(roomConfig({ stock: 0 }));
    expect(await store.restock(P, 5)).toBe(5);
    expect((await store.room(P))?.soldOut).toBe(false);
    await expect(store.restock(99, 1)).rejects.toMatchObject({ code: "NOT_FOUND" });
  });
  it("reconcile rebuilds counters from MySQL figures and live holds", async () => {
    await store.initRoom(roomConfig({ stock: 10, capacity: 5 }));
    await store.admit(P, await joinMany(3), now(), GRACE);
    await store.begin(P, 3, now());
    // Scramble the counters as a Redis failover might.
    await t.redis.hset(store.keys(P).room, "reservable", 99, "admitted", 0, "sold", 0);
    // MySQL: 6 left in stock after 3 paid orders and 1 pending (ticket 3 is paying).
    const r = await store.reconcile(P, 6, 3, 1);
    expect(r).toEqual({ reservable: 4, admitted: 3, sold: 3 });
  });
});

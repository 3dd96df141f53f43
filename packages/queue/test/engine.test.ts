import { randomUUID } from "node:crypto";
import { order } from "@quickdeal/db";
import { eq } from "drizzle-orm";
import { afterAll, afterEach, describe, expect, it } from "vitest";
import { QueueError } from "../src/errors.js";
import { joinLimitKey } from "../src/keys.js";
import { signTicket } from "../src/ticket.js";
import type { TicketStatus } from "../src/types.js";
import { RECORD_REFRESH_MS } from "../src/watcher.js";
import { SECRET, buy, harness, ordersOf, stockOf } from "./harness.js";
import { closeDb, insertProduct, joinInOrder, testDb, until } from "./helpers.js";

/** The waiting room end to end: real Redis, real Kafka, real MariaDB, in-process workers. */
let h: Awaited<ReturnType<typeof harness>> | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});
afterAll(() => closeDb());

async function allRecords(productId: number) {
  const map = await h!.queue.redis.hgetall(h!.queue.store.keys(productId).tickets);
  return Object.entries(map).map(([seq, rec]) => ({ seq: Number(seq), state: rec[0] }));
}

describe("FIFO", () => {
  it("admits 1,000 joins in join order", async () => {
    h = await harness("fifo");
    const db = testDb();
    const productId = await insertProduct(db, { stock: 1000, initialStock: 1000, capacity: 10 });
    const users = Array.from({ length: 1000 }, () => randomUUID());
    const joined = await Promise.all(users.map((u) => h!.queue.join(u, productId)));
    expect(new Set(joined.map((j) => j.seq)).size).toBe(1000);
    await h.startWorker();
    const bySeq = new Map(joined.map((j, i) => [j.seq, { ticket: j.ticket, user: users[i] as string }]));
    let purchased = 0;
    while (purchased < 1000) {
      const recs = await allRecords(productId);
      const waiting = recs.filter((r) => r.state === "W").map((r) => r.seq);
      const served = recs.filter((r) => r.state !== "W").map((r) => r.seq);
      // FIFO: everyone admitted so far joined before everyone still waiting.
      if (waiting.length && served.length) expect(Math.max(...served)).toBeLessThan(Math.min(...waiting));
      const admitted = recs.filter((r) => r.state === "A");
      expect(admitted.length).toBeLessThanOrEqual(10);
      for (const r of admitted) {
        const t = bySeq.get(r.seq)!;
        await h.queue.checkout.begin(t.ticket, t.user);
        await h.queue.checkout.complete(t.ticket, t.user, r.seq);
        purchased++;
      }
      if (admitted.length === 0) await new Promise((r) => setTimeout(r, 20));
    }
    const room = await h.queue.store.room(productId);
    expect(room).toMatchObject({ sold: 1000, admitted: 0, admittedTotal: 1000 });
  });
});

describe("join log linger", () => {
  it("holds each produce request for the configured linger, so joins arriving together share it", async () => {
    h = await harness("linger", { joinLingerMs: 400 });
    const productId = await insertProduct(testDb(), { stock: 10, initialStock: 10, capacity: 10 });
    const started = performance.now();
    const joined = await Promise.all(Array.from({ length: 20 }, () => h!.queue.join(randomUUID(), productId)));
    expect(performance.now() - started).toBeGreaterThanOrEqual(400);
    expect(new Set(joined.map((j) => j.seq)).size).toBe(20);
    // All twenty rode in one request: the produce-size histogram saw a single batch of 20.
    const batches = (await h.queue.metrics.produceBatch.get()).values;
    expect(batches.find((v) => v.metricName?.endsWith("_count"))?.value).toBe(1);
    expect(batches.find((v) => v.metricName?.endsWith("_sum"))?.value).toBe(20);
  });
});

describe("full room", () => {
  it("admits the parked rest of a batch as slots free, and a rebalance meanwhile loses and repeats nobody", async () => {
    h = await harness("parked", { partitions: 2 });
    const db = testDb();
    const N = 60;
    const productId = await insertProduct(db, { stock: N, initialStock: N, capacity: 3, checkoutTtlSec: 300 });
    const users = Array.from({ length: N }, () => randomUUID());
    const joined = await Promise.all(users.map((u) => h!.queue.join(u, productId)));
    const bySeq = new Map(joined.map((j, i) => [j.seq, { ticket: j.ticket, user: users[i] as string }]));
    const first = await h.startWorker();
    // The whole line is one fetched batch; the room takes 3 and the rest waits in memory.
    await until("room full", async () => (await h!.queue.store.room(productId))?.admitted === 3);
    let purchased = 0;
    let second: Promise<unknown> | null = null;
    await until(
      "everyone served",
      async () => {
        const recs = await allRecords(productId);
        const waiting = recs.filter((r) => r.state === "W").map((r) => r.seq);
        const served = recs.filter((r) => r.state !== "W").map((r) => r.seq);
        if (waiting.length && served.length) expect(Math.max(...served)).toBeLessThan(Math.min(...waiting));
        for (const r of recs.filter((x) => x.state === "A")) {
          const t = bySeq.get(r.seq)!;
          await h!.queue.checkout.begin(t.ticket, t.user);
          await h!.queue.checkout.complete(t.ticket, t.user, r.seq);
          purchased++;
        }
        // Halfway, a second worker joins the group: partitions move while a batch is parked.
        if (purchased >= N / 2 && !second) {
          second = h!.startWorker();
          await second;
        }
        return purchased >= N;
      },
      60_000,
      20,
    );
    await second;
    expect(first.admission.admittedCount).toBeGreaterThan(0);
    // admittedTotal counts W→A transitions: N means nobody was admitted twice and nobody skipped.
    expect(await h.queue.store.room(productId)).toMatchObject({ admittedTotal: N, sold: N, admitted: 0, serving: N });
  });
});

describe("race", () => {
  it("5,000 shoppers, 100 units, 3 workers: exactly 100 sold, nobody twice, the rest sold out", async () => {
    h = await harness("race");
    const db = testDb();
    const capacity = 20;
    const productId = await insertProduct(db, { stock: 100, initialStock: 100, capacity, checkoutTtlSec: 30 });
    await Promise.all([h.startWorker(), h.startWorker(), h.startWorker()]);
    const users = Array.from({ length: 5000 }, () => randomUUID());
    const tickets = new Map<number, { ticket: string; user: string }>();
    let maxHeld = 0;
    let minReservable = Number.POSITIVE_INFINITY;
    let sampling = true;
    const sampler = (async () => {
      while (sampling) {
        const room = await h!.queue.store.room(productId);
        if (room) {
          maxHeld = Math.max(maxHeld, room.admitted);
          minReservable = Math.min(minReservable, room.reservable);
        }
        await new Promise((r) => setTimeout(r, 5));
      }
    })();
    // Shoppers join in waves of 500 concurrent requests.
    for (let i = 0; i < users.length; i += 500) {
      const wave = users.slice(i, i + 500);
      const res = await Promise.all(wave.map((u) => h!.queue.join(u, productId)));
      res.forEach((s, k) => {
        tickets.set(s.seq, { ticket: s.ticket, user: wave[k] as string });
      });
    }
    // Admitted shoppers check out (the MySQL guards of the real checkout) until the room sells out.
    const bought = new Set<string>();
    await until(
      "sell out",
      async () => {
        const recs = await allRecords(productId);
        for (const r of recs.filter((x) => x.state === "A")) {
          const t = tickets.get(r.seq)!;
          const begun = await h!.queue.checkout.begin(t.ticket, t.user).catch(() => null);
          if (!begun) continue;
          const orderId = await buy(db, productId, t.user, `${productId}:${r.seq}`);
          if (orderId === null) await h!.queue.checkout.abandon(t.ticket, t.user);
          else {
            expect(bought.has(t.user)).toBe(false);
            bought.add(t.user);
            await h!.queue.checkout.complete(t.ticket, t.user, orderId);
          }
        }
        const room = await h!.queue.store.room(productId);
        return room?.soldOut && room.serving >= 5000 ? room : undefined;
      },
      90_000,
      10,
    );
    sampling = false;
    await sampler;
    const orders = await ordersOf(db, productId);
    expect(orders).toHaveLength(100);
    expect(new Set(orders.map((o) => o.userId)).size).toBe(100);
    expect(await stockOf(db, productId)).toBe(0);
    expect(maxHeld).toBeLessThanOrEqual(capacity);
    expect(minReservable).toBeGreaterThanOrEqual(0);
    const recs = await allRecords(productId);
    expect(recs.filter((r) => r.state === "D")).toHaveLength(100);
    expect(recs.filter((r) => r.state === "S")).toHaveLength(4900);
    const room = await h.queue.store.room(productId);
    expect(room).toMatchObject({ sold: 100, admitted: 0, reservable: 0, admittedTotal: 100 });
    // Waiting shoppers see it from the snapshot at once.
    const someone = [...tickets.values()].find((t) => !bought.has(t.user))!;
    expect((await h.queue.status(someone.ticket, someone.user)).state).toBe("SOLD_OUT");
  });
});

describe("expiry", () => {
  it("admitted shoppers who never pay expire; their units go to the next in line; the last unit still sells", async () => {
    h = await harness("expiry");
    const db = testDb();
    const productId = await insertProduct(db, { stock: 2, initialStock: 2, capacity: 2, checkoutTtlSec: 1 });
    await h.startWorker();
    const { users, joined } = await joinInOrder(h.queue, productId, 4);
    const [a, b, c, d] = joined as [TicketStatus, TicketStatus, TicketStatus, TicketStatus];
    await until("first two admitted", async () => (await h!.queue.status(b.ticket, users[1] as string)).state === "ADMITTED");
    expect((await h.queue.status(c.ticket, users[2] as string)).state).toBe("WAITING");
    // Nobody pays: after the 1 s hold they expire and the next two get the units.
    await until("next two admitted", async () => (await h!.queue.status(d.ticket, users[3] as string)).state === "ADMITTED", 30_000);
    expect((await h.queue.status(a.ticket, users[0] as string)).state).toBe("EXPIRED");
    await expect(h.queue.checkout.begin(a.ticket, users[0] as string)).rejects.toMatchObject({ code: "EXPIRED" });
    for (const [t, u] of [
      [c, users[2]],
      [d, users[3]],
    ] as const) {
      await h.queue.checkout.begin(t.ticket, u as string);
      const id = await buy(db, productId, u as string, `${productId}:${t.seq}`);
      await h.queue.checkout.complete(t.ticket, u as string, id!);
    }
    expect(await stockOf(db, productId)).toBe(0);
    expect(await h.queue.store.room(productId)).toMatchObject({ sold: 2, soldOut: true, admitted: 0 });
  });
});

describe("leaving and abandoned tickets", () => {
  it("a leave frees the place for the people behind, at once", async () => {
    h = await harness("leave");
    const db = testDb();
    const productId = await insertProduct(db, { stock: 5, initialStock: 5, capacity: 1 });
    const { users, joined } = await joinInOrder(h.queue, productId, 4);
    expect((await h.queue.status(joined[3]!.ticket, users[3]!)).ahead).toBe(3);
    const left = await h.queue.leave(joined[1]!.ticket, users[1]!);
    expect(left.state).toBe("LEFT");
    expect((await h.queue.status(joined[3]!.ticket, users[3]!)).ahead).toBe(2);
    await h.startWorker();
    await until("first admitted", async () => (await h!.queue.status(joined[0]!.ticket, users[0]!)).state === "ADMITTED");
    // Giving up a held slot admits the next one still in line (ticket 3: ticket 2 left).
    await h.queue.leave(joined[0]!.ticket, users[0]!);
    await until("third admitted", async () => (await h!.queue.status(joined[2]!.ticket, users[2]!)).state === "ADMITTED", 30_000);
    expect((await h.queue.status(joined[1]!.ticket, users[1]!)).state).toBe("LEFT");
  });
  it("shoppers who stopped sending heartbeats are skipped, so the line never stalls", async () => {
    h = await harness("abandon", { graceSec: 1 });
    const db = testDb();
    const productId = await insertProduct(db, { stock: 5, initialStock: 5, capacity: 1 });
    const { users, joined } = await joinInOrder(h.queue, productId, 3);
    // Past the grace: the join's own heartbeat is flushed up to a second later and counted in whole
    // seconds, so 1 s of grace needs more than 3 s of silence to be sure.
    await new Promise((r) => setTimeout(r, 4000));
    // Only the third shopper is still watching.
    await h.queue.store.heartbeat(productId, [joined[2]!.seq], Date.now());
    await h.startWorker();
    await until("the watching shopper is admitted", async () => (await h!.queue.status(joined[2]!.ticket, users[2]!)).state === "ADMITTED", 30_000);
    expect((await h.queue.store.ticket(productId, joined[0]!.seq))?.state).toBe("LEFT");
  });
});

describe("watch", () => {
  it("yields a new status when the line moves", async () => {
    h = await harness("watch");
    const db = testDb();
    const productId = await insertProduct(db, { stock: 5, initialStock: 5, capacity: 1, checkoutTtlSec: 60 });
    const users = Array.from({ length: 2 }, () => randomUUID());
    const a = await h.queue.join(users[0]!, productId);
    const b = await h.queue.join(users[1]!, productId);
    const ac = new AbortController();
    const seen: TicketStatus[] = [];
    const watching = (async () => {
      for await (const s of h!.queue.watch(b.ticket, users[1]!, ac.signal)) {
        seen.push(s);
        if (s.state === "ADMITTED") break;
      }
    })();
    await until("first update", () => seen.length >= 1);
    expect(seen[0]).toMatchObject({ state: "WAITING", ahead: 1 });
    await h.startWorker();
    await until("a admitted", async () => (await h!.queue.status(a.ticket, users[0]!)).state === "ADMITTED");
    await until("b sees nobody ahead", () => seen.some((s) => s.state === "WAITING" && s.ahead === 0), 5000);
    await h.queue.checkout.begin(a.ticket, users[0]!);
    await h.queue.checkout.complete(a.ticket, users[0]!, 1);
    await watching;
    expect(seen.at(-1)).toMatchObject({ state: "ADMITTED", ahead: 0 });
    ac.abort();
  });
});

describe("bad input", () => {
  it("rejects forged, altered and other users' tickets and unknown products, changing nothing", async () => {
    h = await harness("bad");
    const db = testDb();
    const productId = await insertProduct(db);
    const user = randomUUID();
    const mine = await h.queue.join(user, productId);
    const before = await h.queue.store.room(productId);
    const forged = signTicket("not-the-secret-0123456789-0123456789", { productId, seq: mine.seq, userId: user });
    const altered = mine.ticket.replace(`.${mine.seq}.`, `.${mine.seq + 1}.`);
    for (const bad of [forged, altered, "garbage"]) {
      await expect(h.queue.status(bad, user)).rejects.toMatchObject({ code: "BAD_TICKET" });
      await expect(h.queue.leave(bad, user)).rejects.toMatchObject({ code: "BAD_TICKET" });
      await expect(h.queue.checkout.begin(bad, user)).rejects.toMatchObject({ code: "BAD_TICKET" });
    }
    await expect(h.queue.status(mine.ticket, randomUUID())).rejects.toMatchObject({ code: "BAD_TICKET" });
    await expect(h.queue.leave(mine.ticket, randomUUID())).rejects.toBeInstanceOf(QueueError);
    await expect(h.queue.join(user, 987654321)).rejects.toMatchObject({ code: "NOT_FOUND" });
    expect(await h.queue.store.room(productId)).toEqual(before);
    expect((await h.queue.status(mine.ticket, user)).state).toBe("WAITING");
    expect(SECRET).toBeTruthy();
  });
  it("refuses joins before the sale starts and after it ends", async () => {
    h = await harness("window");
    const db = testDb();
    const early = await insertProduct(db, { saleStartsAt: new Date(Date.now() + 3_600_000) });
    const late = await insertProduct(db, { saleStartsAt: new Date(Date.now() - 7_200_000), saleEndsAt: new Date(Date.now() - 3_600_000) });
    await expect(h.queue.join(randomUUID(), early)).rejects.toMatchObject({ code: "SALE_NOT_STARTED" });
    await expect(h.queue.join(randomUUID(), late)).rejects.toMatchObject({ code: "SALE_ENDED" });
  });
  it("counts a limited join once per product, also the first one at a room not yet in Redis and one at no product", async () => {
    const limited = await harness("limit");
    h = limited;
    const productId = await insertProduct(testDb());
    const missing = 987654321;
    const limit = { scope: "10.0.0.9", points: 3, windowMs: 60_000 };
    const counter = (id: number) => limited.queue.redis.get(joinLimitKey(limited.prefix, id, limit.scope));
    const user = randomUUID();
    // The room is made by this first join (the script ran before it, counting the attempt once).
    const first = await h.queue.join(user, productId, Date.now(), limit);
    expect(await counter(productId)).toBe("1");
    expect((await h.queue.join(user, productId, Date.now(), limit)).ticket).toBe(first.ticket);
    // A product that does not exist counts too, on its own counter.
    await expect(h.queue.join(user, missing, Date.now(), limit)).rejects.toMatchObject({ code: "NOT_FOUND" });
    expect(await counter(productId)).toBe("2");
    expect(await counter(missing)).toBe("1");
    await h.queue.join(randomUUID(), productId, Date.now(), limit);
    await expect(h.queue.join(randomUUID(), productId, Date.now(), limit)).rejects.toMatchObject({ code: "RATE_LIMITED" });
    expect((await h.queue.store.room(productId))?.seq).toBe(2);
  });
});

describe("reconciler", () => {
  it("rebuilds a room's counters from MySQL and live holds after Redis lost them", async () => {
    h = await harness("reconcile");
    const db = testDb();
    const productId = await insertProduct(db, { stock: 10, initialStock: 10, capacity: 3 });
    const { users, joined } = await joinInOrder(h.queue, productId, 5);
    await h.startWorker();
    await until("three admitted", async () => (await h!.queue.store.room(productId))?.admitted === 3);
    // Two buy; one is mid-payment with its order row pending (its unit already left MySQL stock).
    for (const i of [0, 1]) {
      await h.queue.checkout.begin(joined[i]!.ticket, users[i]!);
      const id = await buy(db, productId, users[i]!, `${productId}:${joined[i]!.seq}`);
      await h.queue.checkout.complete(joined[i]!.ticket, users[i]!, id!);
    }
    await until("next admitted", async () => (await h!.queue.store.room(productId))?.admitted === 3);
    await h.queue.checkout.begin(joined[2]!.ticket, users[2]!);
    const pendingId = await buy(db, productId, users[2]!, `${productId}:${joined[2]!.seq}`);
    await db.update(order).set({ status: "PENDING" }).where(eq(order.id, pendingId!));
    // Redis "loses" the counters.
    await h.queue.redis.hset(h.queue.store.keys(productId).room, "reservable", 0, "sold", 0, "admitted", 0);
    const fixed = await h.queue.admin.reconcile(productId);
    // MySQL: 7 in stock (2 paid + 1 pending); held: ticket 3 (paying, pending order) + tickets 4, 5 admitted.
    expect(fixed).toEqual({ reservable: 5, admitted: 3, sold: 2 });
  });
});

describe("rooms on one worker", () => {
  it("a full room does not hold up the next product's line (consecutive ids use different partitions)", async () => {
    h = await harness("hol", { partitions: 4 });
    const db = testDb();
    const full = await insertProduct(db, { stock: 5, initialStock: 5, capacity: 1, checkoutTtlSec: 300 });
    const other = await insertProduct(db, { stock: 5, initialStock: 5, capacity: 5 });
    await h.startWorker();
    const a = randomUUID();
    const first = await h.queue.join(a, full);
    const stuck = await h.queue.join(randomUUID(), full);
    await until("room A full", async () => (await h!.queue.status(first.ticket, a)).state === "ADMITTED");
    const b = randomUUID();
    const mine = await h.queue.join(b, other);
    await until("B admitted while A stays full", async () => (await h!.queue.status(mine.ticket, b)).state === "ADMITTED", 5000);
    expect((await h.queue.store.ticket(full, stuck.seq))?.state).toBe("WAITING");
  });
});

describe("watch coalescing", () => {
  it("sends a waiting shopper at most one 'line moved' update per second, and the final figure", async () => {
    // Without an admission rate the ETA is long, which would stretch the interval: pin it to 1 s.
    h = await harness("coalesce", { watchMaxIntervalMs: 1000 });
    const db = testDb();
    const productId = await insertProduct(db, { stock: 5, initialStock: 5, capacity: 1 });
    const { users, joined } = await joinInOrder(h.queue, productId, 12);
    const me = joined[11]!;
    const ac = new AbortController();
    const seen: { at: number; ahead: number }[] = [];
    const watching = (async () => {
      for await (const s of h!.queue.watch(me.ticket, users[11]!, ac.signal)) seen.push({ at: Date.now(), ahead: s.ahead });
    })();
    await until("first update", () => seen.length >= 1);
    expect(seen[0]!.ahead).toBe(11);
    // Ten people ahead leave within a few hundred ms: ten snapshots, but not ten updates.
    for (let i = 0; i < 10; i++) await h.queue.leave(joined[i]!.ticket, users[i]!);
    await until("final figure", () => seen.at(-1)?.ahead === 1, 5000);
    ac.abort();
    await watching;
    expect(seen.length).toBeLessThanOrEqual(4);
    for (let i = 2; i < seen.length; i++) expect(seen[i]!.at - seen[i - 1]!.at).toBeGreaterThanOrEqual(950);
  });

  it("a shopper whose ETA is minutes away hears the line move less often, up to the maximum interval", async () => {
    h = await harness("far", { watchMinIntervalMs: 500, watchMaxIntervalMs: 2000 });
    const db = testDb();
    // No admissions yet: the ETA is the worst case, one room turn per TTL (minutes here).
    const productId = await insertProduct(db, { stock: 5, initialStock: 5, capacity: 1, checkoutTtlSec: 60 });
    const { users, joined } = await joinInOrder(h.queue, productId, 12);
    const me = joined[11]!;
    const ac = new AbortController();
    const seen: { at: number; ahead: number; eta: number | null }[] = [];
    const watching = (async () => {
      for await (const s of h!.queue.watch(me.ticket, users[11]!, ac.signal)) seen.push({ at: Date.now(), ahead: s.ahead, eta: s.etaSec });
    })();
    await until("first update", () => seen.length >= 1);
    expect(seen[0]!.eta).toBeGreaterThan(100);
    const started = Date.now();
    // One person ahead leaves every 150 ms for ~1.5 s.
    for (let i = 0; i < 10; i++) {
      await h.queue.leave(joined[i]!.ticket, users[i]!);
      await new Promise((r) => setTimeout(r, 150));
    }
    await until("final figure", () => seen.at(-1)?.ahead === 1, 6000);
    ac.abort();
    await watching;
    // At the 500 ms minimum this would have been 3-4 updates; at the 2 s maximum, one or two.
    expect(seen.length).toBeLessThanOrEqual(3);
    expect(seen[1]!.at - started).toBeGreaterThanOrEqual(1900);
    for (let i = 2; i < seen.length; i++) expect(seen[i]!.at - seen[i - 1]!.at).toBeGreaterThanOrEqual(1900);
  });

  it("a shopper in checkout hears the room's counters at most once per interval, its paying and purchase at once, and reads its ticket only then", async () => {
    h = await harness("checkout-watch");
    const db = testDb();
    const productId = await insertProduct(db, { stock: 20, initialStock: 20, capacity: 10 });
    const { users, joined } = await joinInOrder(h.queue, productId, 12);
    await h.startWorker();
    await until("ten admitted", async () => (await h!.queue.status(joined[9]!.ticket, users[9]!)).state === "ADMITTED");
    const ac = new AbortController();
    const seen: { at: number; state: string; stockLeft: number; admitted: number }[] = [];
    const watching = (async () => {
      for await (const s of h!.queue.watch(joined[0]!.ticket, users[0]!, ac.signal)) {
        seen.push({ at: Date.now(), state: s.state, stockLeft: s.stockLeft, admitted: s.admitted });
      }
    })();
    await until("first update", () => seen.length >= 1);
    expect(seen[0]!.state).toBe("ADMITTED");
    // Its own record is read when a change of it is announced, not polled while the room moves.
    const reads: number[] = [];
    const read = h.queue.store.ticket.bind(h.queue.store);
    h.queue.store.ticket = (p: number, seq: number) => {
      reads.push(seq);
      return read(p, seq);
    };
    // Eight others buy, one every ~100 ms: the room's counters move with each (units left, slots
    // held, the next two admitted), but only the numbers of our shopper's status.
    for (let i = 1; i <= 8; i++) {
      await h.queue.checkout.begin(joined[i]!.ticket, users[i]!);
      await h.queue.checkout.complete(joined[i]!.ticket, users[i]!, i);
      await new Promise((r) => setTimeout(r, 100));
    }
    await until("the counters reach the watcher", () => seen.at(-1)!.stockLeft < seen[0]!.stockLeft, 3000);
    const numbersOnly = seen.length;
    expect(numbersOnly).toBeLessThanOrEqual(3);
    for (let i = 1; i < seen.length; i++) expect(seen[i]!.at - seen[i - 1]!.at).toBeGreaterThanOrEqual(950);
    // ~1 s of a moving room: polling every 250 ms would have read it four times or more.
    expect(reads.filter((seq) => seq === joined[0]!.seq)).toEqual([]);
    // Its own paying and purchase are not held back: announced, read once each, sent at once.
    const payingAt = Date.now();
    await h.queue.checkout.begin(joined[0]!.ticket, users[0]!);
    await until("paying", () => seen.at(-1)!.state === "PAYING", 3000);
    expect(seen.at(-1)!.at - payingAt).toBeLessThan(800);
    const paidAt = Date.now();
    await h.queue.checkout.complete(joined[0]!.ticket, users[0]!, 100);
    await watching;
    expect(seen.at(-1)!.state).toBe("PURCHASED");
    expect(seen.at(-1)!.at - paidAt).toBeLessThan(800);
    expect(reads.filter((seq) => seq === joined[0]!.seq).length).toBeLessThanOrEqual(3);
    ac.abort();
  });

  it("a waiting watcher whose updates are held back still hears its admission at once", async () => {
    // A long interval, so a held update and a prompt one cannot be confused.
    h = await harness("held", { watchMinIntervalMs: 5000 });
    const db = testDb();
    const productId = await insertProduct(db, { stock: 5, initialStock: 5, capacity: 1 });
    const { users, joined } = await joinInOrder(h.queue, productId, 3);
    await h.startWorker();
    await until("first admitted", async () => (await h!.queue.status(joined[0]!.ticket, users[0]!)).state === "ADMITTED");
    const ac = new AbortController();
    const seen: { at: number; state: string; ahead: number }[] = [];
    const watching = (async () => {
      for await (const s of h!.queue.watch(joined[2]!.ticket, users[2]!, ac.signal)) {
        seen.push({ at: Date.now(), state: s.state, ahead: s.ahead });
      }
    })();
    await until("first update", () => seen.length >= 1);
    expect(seen[0]).toMatchObject({ state: "WAITING", ahead: 1 });
    // The one ahead leaves: "0 ahead" is held back for the interval...
    await h.queue.leave(joined[1]!.ticket, users[1]!);
    await new Promise((r) => setTimeout(r, 300));
    expect(seen).toHaveLength(1);
    // ...but the slot freed by the first buyer admits us, and that is not held back.
    const freedAt = Date.now();
    await h.queue.checkout.begin(joined[0]!.ticket, users[0]!);
    await h.queue.checkout.complete(joined[0]!.ticket, users[0]!, 1);
    await until("admitted", () => seen.some((s) => s.state === "ADMITTED"), 4000);
    const admitted = seen.find((s) => s.state === "ADMITTED")!;
    expect(admitted.at - freedAt).toBeLessThan(2500);
    ac.abort();
    await watching;
  });
});

describe("ticket announcements", () => {
  /** A watch on an admitted shopper's ticket, recording every status with its time. */
  async function watchHolder(name: string) {
    h = await harness(name);
    const db = testDb();
    const productId = await insertProduct(db, { stock: 5, initialStock: 5, capacity: 2 });
    const { users, joined } = await joinInOrder(h.queue, productId, 2);
    await h.startWorker();
    await until("admitted", async () => (await h!.queue.status(joined[0]!.ticket, users[0]!)).state === "ADMITTED");
    const seen: { at: number; state: string }[] = [];
    const handle = h.queue.follow(joined[0]!.ticket, users[0]!, {
      next: (st) => {
        seen.push({ at: Date.now(), state: st.state });
        return true;
      },
      done: () => undefined,
      fail: () => undefined,
    });
    await until("first status", () => seen.length >= 1);
    expect(seen[0]!.state).toBe("ADMITTED");
    return { queue: h.queue, productId, users, joined, seen, handle };
  }

  it("reach the watcher after its subscription was lost and made again: every ticket is re-read", async () => {
    const w = await watchHolder("resync");
    const subscriber = (w.queue.rooms as unknown as { subscriber: { disconnect(reconnect?: boolean): void } }).subscriber;
    // The connection drops; the change made meanwhile is announced to nobody.
    subscriber.disconnect(true);
    const at = Date.now();
    await w.queue.checkout.begin(w.joined[0]!.ticket, w.users[0]!);
    await until("paying after the reconnect", () => w.seen.at(-1)!.state === "PAYING", 4000);
    // Well before the RECORD_REFRESH_MS safety net: the reconnect itself made it re-read.
    expect(w.seen.at(-1)!.at - at).toBeLessThan(2500);
    w.handle.stop();
  });

  it("are not the only way: a change nobody announced (an older script) still shows within RECORD_REFRESH_MS", async () => {
    const w = await watchHolder("unannounced");
    // PAYING written behind the scripts' back; the room moves (its version), as rooms in a sale do.
    const k = w.queue.store.keys(w.productId);
    const rec = (await w.queue.redis.hget(k.tickets, String(w.joined[0]!.seq)))!;
    const at = Date.now();
    await w.queue.redis.hset(k.tickets, String(w.joined[0]!.seq), `P${rec.slice(1)}`);
    const moving = setInterval(() => void w.queue.redis.hincrby(k.room, "version", 1), 200);
    try {
      await until("paying, unannounced", () => w.seen.at(-1)!.state === "PAYING", RECORD_REFRESH_MS + 4000);
    } finally {
      clearInterval(moving);
    }
    const after = w.seen.at(-1)!.at - at;
    // Not before the safety net's age (nothing told it), and not long after.
    expect(after).toBeGreaterThanOrEqual(RECORD_REFRESH_MS - 1500);
    expect(after).toBeLessThan(RECORD_REFRESH_MS + 2500);
    w.handle.stop();
  });
});

describe("follow (the push side of watch)", () => {
  it("pushes each change, holds back nothing it must not, waits while the receiver is full and then sends only the newest, and ends at a final state", async () => {
    h = await harness("follow");
    const db = testDb();
    const productId = await insertProduct(db, { stock: 5, initialStock: 5, capacity: 1, checkoutTtlSec: 60 });
    const { users, joined } = await joinInOrder(h.queue, productId, 4);
    const seen: TicketStatus[] = [];
    let full = false;
    let done = false;
    const failures: unknown[] = [];
    const handle = h.queue.follow(joined[3]!.ticket, users[3]!, {
      next: (s) => {
        seen.push(s);
        return !full;
      },
      done: () => {
        done = true;
      },
      fail: (err) => failures.push(err),
    });
    // The first status is pushed at once, from memory.
    await until("first status", () => seen.length >= 1);
    expect(seen[0]).toMatchObject({ state: "WAITING", ahead: 3 });
    expect(h.queue.rooms.watcherCount()).toBe(1);

    // A full receiver gets nothing more, however far the line moves...
    full = true;
    await h.startWorker();
    await until("one status while full", () => seen.length >= 2, 5000);
    const whileFull = seen.length;
    for (let i = 0; i < 3; i++) {
      await until(`shopper ${i} admitted`, async () => (await h!.queue.status(joined[i]!.ticket, users[i]!)).state === "ADMITTED");
      await h.queue.checkout.begin(joined[i]!.ticket, users[i]!);
      await h.queue.checkout.complete(joined[i]!.ticket, users[i]!, i + 1);
    }
    await until("our shopper admitted", async () => (await h!.queue.status(joined[3]!.ticket, users[3]!)).state === "ADMITTED");
    await new Promise((r) => setTimeout(r, 300));
    expect(seen).toHaveLength(whileFull);
    // ...and once it has room, the newest status, not the backlog.
    full = false;
    handle.resume();
    await until("admission pushed", () => seen.length > whileFull);
    expect(seen.at(-1)).toMatchObject({ state: "ADMITTED", ahead: 0 });
    expect(seen.slice(whileFull).filter((s) => s.state === "WAITING")).toHaveLength(0);

    // Its purchase is the last status; the watch ends by itself.
    await h.queue.checkout.begin(joined[3]!.ticket, users[3]!);
    await h.queue.checkout.complete(joined[3]!.ticket, users[3]!, 4);
    await until("done", () => done, 3000);
    expect(seen.at(-1)!.state).toBe("PURCHASED");
    expect(failures).toEqual([]);
    expect(h.queue.rooms.watcherCount()).toBe(0);
    handle.stop();
  });

  it("refuses a foreign ticket at once, and stop() unsubscribes a watcher that never ended", async () => {
    h = await harness("follow-stop");
    const db = testDb();
    const productId = await insertProduct(db, { stock: 5, initialStock: 5, capacity: 1 });
    const { users, joined } = await joinInOrder(h.queue, productId, 2);
    const sink = { next: () => true, done: () => undefined, fail: () => undefined };
    expect(() => h!.queue.follow(joined[0]!.ticket, users[1]!, sink)).toThrow(QueueError);
    expect(h.queue.rooms.watcherCount()).toBe(0);
    const handle = h.queue.follow(joined[1]!.ticket, users[1]!, sink);
    expect(h.queue.rooms.watcherCount()).toBe(1);
    handle.stop();
    handle.stop();
    expect(h.queue.rooms.watcherCount()).toBe(0);
  });
});

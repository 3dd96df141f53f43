import { type TicketStatus, joinLimitKey } from "@quickdeal/queue";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { defaultRateLimits } from "../src/config.js";
import { type Api, client, guest, insertProduct, rejects, startApi, until } from "./harness.js";

let api: Api;
beforeAll(async () => {
  api = await startApi("queue", {
    worker: true,
    config: { rateLimits: { ...defaultRateLimits, joinPerUser: { points: 5, durationSec: 60 } } },
  });
});
afterAll(() => api?.close());

describe("queue procedures over HTTP", () => {
  it("joins once per user, reports status, finds the ticket again, and leaves", async () => {
    const productId = await insertProduct(api.services, { stock: 3, capacity: 1 });
    const a = await guest(api);
    const b = await guest(api);
    const ta = await a.client.queue.join.mutate({ productId });
    expect(ta.ticket).toBeTruthy();
    // A second join (another tab) returns the same ticket.
    const again = await a.client.queue.join.mutate({ productId });
    expect(again.ticket).toBe(ta.ticket);
    expect(again.seq).toBe(ta.seq);

    const tb = await b.client.queue.join.mutate({ productId });
    expect(tb.seq).toBe(ta.seq + 1);

    // The worker admits A (capacity 1); B waits with A ahead of nobody.
    const admitted = await until(async () => {
      const s = await a.client.queue.status.query({ ticket: ta.ticket });
      return s.state === "ADMITTED" ? s : null;
    }, 20_000, "A admitted");
    expect(admitted.expiresAt).toBeGreaterThan(Date.now());
    const sb = await b.client.queue.status.query({ ticket: tb.ticket });
    expect(sb.state).toBe("WAITING");

    expect((await b.client.queue.mine.query({ productId }))?.ticket).toBe(tb.ticket);
    expect(await (await guest(api)).client.queue.mine.query({ productId })).toBeNull();

    await b.client.queue.heartbeat.mutate({ ticket: tb.ticket });
    const left = await b.client.queue.leave.mutate({ ticket: tb.ticket });
    expect(left.state).toBe("LEFT");
    // Free the slot: a full room pauses its Kafka partition, which other tests' products may share.
    await a.client.queue.leave.mutate({ ticket: ta.ticket });
  });

  it("pushes an update over SSE when the line moves", async () => {
    const productId = await insertProduct(api.services, { stock: 5, capacity: 1, checkoutTtlSec: 60 });
    const first = await guest(api);
    const second = await guest(api);
    const t1 = await first.client.queue.join.mutate({ productId });
    const t2 = await second.client.queue.join.mutate({ productId });
    await until(async () => (await first.client.queue.status.query({ ticket: t1.ticket })).state === "ADMITTED", 20_000, "first admitted");

    const seen: TicketStatus[] = [];
    const ids: (string | undefined)[] = [];
    const done = new Promise<void>((resolve, reject) => {
      const sub = second.client.queue.watch.subscribe(
        { ticket: t2.ticket },
        {
          onData(ev) {
            ids.push(ev.id);
            seen.push(ev.data);
            if (ev.data.state === "ADMITTED") {
              sub.unsubscribe();
              resolve();
            }
          },
          onError: reject,
        },
      );
    });
    await until(async () => seen.length > 0, 10_000, "first SSE event");
    expect(seen[0]?.state).toBe("WAITING");
    expect(ids[0]).toBe(seen[0]?.version);

    // The first shopper leaves: their slot frees, the line moves, the second is admitted.
    await first.client.queue.leave.mutate({ ticket: t1.ticket });
    await done;
    expect(seen.at(-1)?.state).toBe("ADMITTED");
  });

  it("resumes a watch after the last event id without repeating it", async () => {
    const productId = await insertProduct(api.services, { stock: 5, capacity: 1 });
    const holder = await guest(api);
    const w = await guest(api);
    const held = await holder.client.queue.join.mutate({ productId });
    const t = await w.client.queue.join.mutate({ productId });
    const status = await until(async () => {
      const s = await w.client.queue.status.query({ ticket: t.ticket });
      return s.state === "WAITING" && s.ahead === 0 ? s : null;
    });
    const got: TicketStatus[] = [];
    const sub = w.client.queue.watch.subscribe(
      { ticket: t.ticket, lastEventId: status.version },
      { onData: (ev) => got.push(ev.data) },
    );
    await new Promise((r) => setTimeout(r, 800));
    sub.unsubscribe();
    expect(got.filter((s) => s.version === status.version)).toHaveLength(0);
    await holder.client.queue.leave.mutate({ ticket: held.ticket });
  });

  it("lets a browser EventSource authenticate with a connection param", async () => {
    const productId = await insertProduct(api.services, { stock: 5, capacity: 5 });
    const g = await guest(api);
    const t = await g.client.queue.join.mutate({ productId });
    const viaParam = client(api, { token: g.token, tokenAsParam: true });
    const first = await new Promise<TicketStatus>((resolve, reject) => {
      const sub = viaParam.queue.watch.subscribe(
        { ticket: t.ticket },
        {
          onData: (ev) => {
            sub.unsubscribe();
            resolve(ev.data);
          },
          onError: reject,
        },
      );
    });
    expect(first.ticket).toBe(t.ticket);
  });

  it("refuses another user's ticket and forged tickets on every ticket procedure", async () => {
    const productId = await insertProduct(api.services);
    const owner = await guest(api);
    const thief = await guest(api);
    const t = await owner.client.queue.join.mutate({ productId });
    await rejects(thief.client.queue.status.query({ ticket: t.ticket }), "FORBIDDEN");
    await rejects(thief.client.queue.leave.mutate({ ticket: t.ticket }), "FORBIDDEN");
    await rejects(thief.client.queue.heartbeat.mutate({ ticket: t.ticket }), "FORBIDDEN");
    const forged = `${t.ticket.slice(0, -3)}abc`;
    await rejects(owner.client.queue.status.query({ ticket: forged }), "FORBIDDEN");
    const watchErr = await new Promise<unknown>((resolve) => {
      const sub = thief.client.queue.watch.subscribe(
        { ticket: t.ticket },
        {
          onData: () => resolve(new Error("got data for someone else's ticket")),
          onError: (err) => {
            sub.unsubscribe();
            resolve(err);
          },
        },
      );
    });
    await rejects(Promise.reject(watchErr), "FORBIDDEN");
    // The owner's ticket is untouched.
    expect((await owner.client.queue.status.query({ ticket: t.ticket })).state).not.toBe("LEFT");
  });

  it("needs a session, and validates input", async () => {
    const anon = client(api);
    await rejects(anon.queue.join.mutate({ productId: 1 }), "UNAUTHORIZED");
    const g = await guest(api);
    await rejects(g.client.queue.join.mutate({ productId: -1 }), "BAD_REQUEST");
    // @ts-expect-error: wrong type on purpose
    await rejects(g.client.queue.join.mutate({ productId: "1" }), "BAD_REQUEST");
    await rejects(g.client.queue.join.mutate({ productId: 1.5 }), "BAD_REQUEST");
    await rejects(g.client.queue.status.query({ ticket: "" }), "BAD_REQUEST");
    await rejects(g.client.queue.status.query({ ticket: "x".repeat(500) }), "BAD_REQUEST");
    await rejects(g.client.queue.leave.mutate({ ticket: "spaces are not allowed" }), "BAD_REQUEST");
    await rejects(g.client.queue.heartbeat.mutate({ ticket: "" }), "BAD_REQUEST");
    await rejects(g.client.queue.mine.query({ productId: 0 }), "BAD_REQUEST");
    const badWatch = await new Promise<unknown>((resolve) => {
      const sub = g.client.queue.watch.subscribe(
        { ticket: "" },
        {
          onData: () => resolve(new Error("data for an empty ticket")),
          onError: (err) => {
            sub.unsubscribe();
            resolve(err);
          },
        },
      );
    });
    await rejects(Promise.reject(badWatch), "BAD_REQUEST");
    // Unknown product: NOT_FOUND, and no ticket was made.
    await rejects(g.client.queue.join.mutate({ productId: 999_999_999 }), "NOT_FOUND");
  });

  it("maps sale windows to clear errors", async () => {
    const upcoming = await insertProduct(api.services, { saleStartsAt: new Date(Date.now() + 3600_000) });
    const ended = await insertProduct(api.services, {
      saleStartsAt: new Date(Date.now() - 7200_000),
      saleEndsAt: new Date(Date.now() - 3600_000),
    });
    const g = await guest(api);
    const e1 = await rejects(g.client.queue.join.mutate({ productId: upcoming }), "PRECONDITION_FAILED");
    expect(e1.data?.reason).toBe("SALE_NOT_STARTED");
    const e2 = await rejects(g.client.queue.join.mutate({ productId: ended }), "PRECONDITION_FAILED");
    expect(e2.data?.reason).toBe("SALE_ENDED");
  });

  it("rate-limits joins per user with a retry hint", async () => {
    const productId = await insertProduct(api.services);
    const g = await guest(api);
    let err: Awaited<ReturnType<typeof rejects>> | null = null;
    for (let i = 0; i < 10 && !err; i++) {
      try {
        await g.client.queue.join.mutate({ productId });
      } catch {
        err = await rejects(g.client.queue.join.mutate({ productId }), "TOO_MANY_REQUESTS");
      }
    }
    expect(err?.data?.retryAfterSec).toBeGreaterThan(0);
  });

  it("rate-limits joins per IP in the join script, with the same answer as any other limit", async () => {
    const productId = await insertProduct(api.services);
    const { redisPrefix, rateLimits } = api.services.config;
    const ip = "127.0.0.1";
    // Per product: the counter shares the room's hash tag (one Cluster slot for the join script).
    const key = joinLimitKey(redisPrefix, productId, ip);
    // This address has spent its window (as other processes would have left it in Redis).
    await api.services.redis.set(key, String(rateLimits.joinPerIp.points), "PX", 30_000);
    const g = await guest(api);
    const err = await rejects(g.client.queue.join.mutate({ productId }), "TOO_MANY_REQUESTS");
    expect(err.message).toBe("Too many attempts. Please wait 30 seconds and try again.");
    expect(err.data).toMatchObject({ reason: "RATE_LIMITED", retryAfterSec: 30 });
    expect(await api.services.redis.get(key)).toBe(String(rateLimits.joinPerIp.points + 1));
    // Then refused from this process's memory: the counter no longer moves, no ticket was made.
    const again = await rejects((await guest(api)).client.queue.join.mutate({ productId }), "TOO_MANY_REQUESTS");
    expect(again.data).toMatchObject({ reason: "RATE_LIMITED" });
    expect(await api.services.redis.get(key)).toBe(String(rateLimits.joinPerIp.points + 1));
    expect(await g.client.queue.mine.query({ productId })).toBeNull();
    // reset() lets the address in again.
    await api.services.limits.reset("joinPerIp", ip);
    expect((await g.client.queue.join.mutate({ productId })).ticket).toBeTruthy();
    await api.services.limits.reset("joinPerIp", ip);
  });
});

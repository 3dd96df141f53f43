import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { defaultRateLimits } from "../src/config.js";
import { type Api, ADMIN_EMAIL, ADMIN_PASSWORD, CARD, client, CookieJar, guest, insertProduct, rejects, startApi } from "./harness.js";

let api: Api;
beforeAll(async () => {
  api = await startApi("auth", {
    config: {
      rateLimits: {
        ...defaultRateLimits,
        signInPerIp: { points: 40, durationSec: 60 },
        checkoutPerUser: { points: 3, durationSec: 60 },
      },
    },
  });
});
afterAll(() => api?.close());

describe("auth over HTTP", () => {
  it("signs a browser guest in with an httpOnly SameSite=Lax cookie and no token in the body", async () => {
    const jar = new CookieJar();
    const web = client(api, { jar });
    expect(await web.auth.me.query()).toBeNull();
    const r = await web.auth.guest.mutate({ displayName: "Ada" });
    expect(r.token).toBeNull();
    expect(r.user).toMatchObject({ role: "shopper", displayName: "Ada", channel: "web", kioskId: null });
    expect(jar.cookies.get("qd_session")).toBeTruthy();
    const me = await web.auth.me.query();
    expect(me?.id).toBe(r.user.id);

    // The raw header carries the cookie attributes.
    const res = await fetch(`${api.url}/api/trpc/auth.guest`, {
      method: "POST",
      headers: { "content-type": "application/json", origin: "http://web.test" },
      body: "{}",
    });
    const cookie = res.headers.getSetCookie()[0] ?? "";
    expect(cookie).toMatch(/^qd_session=/);
    expect(cookie).toMatch(/HttpOnly/);
    expect(cookie).toMatch(/SameSite=Lax/);
  });

  it("keeps the same identity when a signed-in browser calls guest again, and renames", async () => {
    const jar = new CookieJar();
    const web = client(api, { jar });
    const first = await web.auth.guest.mutate();
    const again = await web.auth.guest.mutate();
    expect(again.user.id).toBe(first.user.id);
    const renamed = await web.auth.setName.mutate({ displayName: "Grace H" });
    expect(renamed.user).toMatchObject({ id: first.user.id, displayName: "Grace H" });
    expect((await web.auth.me.query())?.displayName).toBe("Grace H");
  });

  it("gives bearer clients a token and accepts it in Authorization", async () => {
    const r = await client(api).auth.guest.mutate({ transport: "bearer" });
    expect(r.token).toMatch(/^ey/);
    const me = await client(api, { token: r.token ?? "" }).auth.me.query();
    expect(me?.id).toBe(r.user.id);
    const renamed = await client(api, { token: r.token ?? "" }).auth.setName.mutate({ displayName: "Bob" });
    expect(renamed.token).toMatch(/^ey/);
  });

  it("treats a forged or garbage token as signed out", async () => {
    const r = await client(api).auth.guest.mutate({ transport: "bearer" });
    const token = r.token ?? "";
    const forged = `${token.slice(0, -4)}AAAA`;
    expect(await client(api, { token: forged }).auth.me.query()).toBeNull();
    await rejects(client(api, { token: "not-a-jwt" }).auth.setName.mutate({ displayName: "X" }), "UNAUTHORIZED");
  });

  it("logs an admin in with the seeded password and refuses a wrong one", async () => {
    const jar = new CookieJar();
    const web = client(api, { jar });
    const r = await web.auth.login.mutate({ email: ADMIN_EMAIL, password: ADMIN_PASSWORD });
    expect(r.user.role).toBe("admin");
    expect((await web.auth.me.query())?.role).toBe("admin");
    const e = await rejects(client(api).auth.login.mutate({ email: ADMIN_EMAIL, password: "wrong-password" }), "UNAUTHORIZED");
    expect(e.message).toBe("Wrong email or password.");
    await rejects(client(api).auth.login.mutate({ email: "nobody@api.test", password: "x" }), "UNAUTHORIZED");
  });

  it("logs out by clearing the cookie", async () => {
    const jar = new CookieJar();
    const web = client(api, { jar });
    await web.auth.guest.mutate();
    expect(await web.auth.me.query()).not.toBeNull();
    await web.auth.logout.mutate();
    expect(jar.cookies.has("qd_session")).toBe(false);
    expect(await web.auth.me.query()).toBeNull();
  });

  it("refuses cookie-authenticated mutations without a trusted Origin (CSRF)", async () => {
    const jar = new CookieJar();
    await client(api, { jar }).auth.guest.mutate();
    const noOrigin = client(api, { jar, origin: null });
    const e = await rejects(noOrigin.auth.setName.mutate({ displayName: "Mallory" }), "FORBIDDEN");
    expect(e.message).toMatch(/cross-site/);
    await rejects(client(api, { jar, origin: "http://evil.test" }).auth.setName.mutate({ displayName: "Mallory" }), "FORBIDDEN");
    // Queries are not state-changing and pass; the name did not change.
    expect((await noOrigin.auth.me.query())?.displayName).toBeNull();
    // A foreign page cannot plant a session either.
    await rejects(client(api, { jar: new CookieJar(), origin: "http://evil.test" }).auth.guest.mutate(), "FORBIDDEN");
  });

  it("answers invalid input with BAD_REQUEST, a readable message and field errors", async () => {
    const c = client(api);
    const e = await rejects(c.auth.guest.mutate({ displayName: "x".repeat(41) }), "BAD_REQUEST");
    expect(e.message).toMatch(/^Invalid input: displayName: must be at most 40 characters/);
    expect(e.data?.zodError?.fieldErrors).toHaveProperty("displayName");
    await rejects(c.auth.guest.mutate({ displayName: "<script>" }), "BAD_REQUEST");
    await rejects(c.auth.login.mutate({ email: "not-an-email", password: "x" }), "BAD_REQUEST");
    await rejects(c.auth.login.mutate({ email: ADMIN_EMAIL, password: "" }), "BAD_REQUEST");
    // @ts-expect-error: wrong transport on purpose
    await rejects(c.auth.guest.mutate({ transport: "carrier-pigeon" }), "BAD_REQUEST");
    const { token } = await c.auth.guest.mutate({ transport: "bearer" });
    await rejects(client(api, { token: token ?? "" }).auth.setName.mutate({ displayName: "   " }), "BAD_REQUEST");
  });

  it("rate-limits sign-ins per IP with a retry hint", async () => {
    const c = client(api);
    let limited: Awaited<ReturnType<typeof rejects>> | null = null;
    for (let i = 0; i < 60 && !limited; i++) {
      try {
        await c.auth.guest.mutate({ transport: "bearer" });
      } catch {
        limited = await rejects(c.auth.guest.mutate({ transport: "bearer" }), "TOO_MANY_REQUESTS");
      }
    }
    expect(limited).not.toBeNull();
    expect(limited?.data?.retryAfterSec).toBeGreaterThan(0);
    expect(limited?.data?.reason).toBe("RATE_LIMITED");
    expect(limited?.message).toMatch(/try again/);
    await api.services.limits.reset("signInPerIp", "127.0.0.1");
  });

  it("rate-limits checkout per user with a retry hint, before touching the queue", async () => {
    const g = await guest(api);
    const productId = await insertProduct(api.services);
    const t = await g.client.queue.join.mutate({ productId });
    const submit = () => g.client.payment.checkout.mutate({ ticket: t.ticket, card: CARD, idempotencyKey: `rl-${Math.random().toString(36).slice(2)}` });
    for (let i = 0; i < 3; i++) await rejects(submit(), "PRECONDITION_FAILED");
    const e = await rejects(submit(), "TOO_MANY_REQUESTS");
    expect(e.data?.retryAfterSec).toBeGreaterThan(0);
    expect(e.message).toMatch(/Please wait \d+ seconds? and try again/);
  });
});

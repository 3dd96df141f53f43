import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Api, admin, CARD, type Client, client, guest, insertProduct, rejects, startApi, stockOf, until } from "./harness.js";

let api: Api;
let ops: Client;
beforeAll(async () => {
  api = await startApi("admin", { worker: true });
  ops = await admin(api);
});
afterAll(() => api?.close());

const soon = () => new Date(Date.now() - 1000).toISOString();

describe("admin procedures", () => {
  it("creates, lists and edits products; the room follows", async () => {
    const created = await ops.admin.products.create.mutate({
      slug: `lamp-${Date.now()}`,
      name: "Lava Lamp",
      category: "Home",
      imageUrl: "/img/p/lava.svg",
      priceMinor: 2500,
      stock: 10,
      saleStartsAt: soon(),
      capacity: 3,
      checkoutTtlSec: 120,
    });
    expect(created).toMatchObject({ name: "Lava Lamp", stockLeft: 10, initialStock: 10, saleState: "on_sale", currency: "USD" });
    const room = await api.services.queue.rooms.refresh(created.id);
    expect(room?.reservable).toBe(10);

    const list = await ops.admin.products.list.query({ limit: 200 });
    expect(list.items.some((p) => p.id === created.id)).toBe(true);

    const edited = await ops.admin.products.update.mutate({ id: created.id, patch: { stock: 15, priceMinor: 1999, capacity: 5 } });
    expect(edited).toMatchObject({ dbStock: 15, initialStock: 15, priceMinor: 1999, capacity: 5 });
    const after = await api.services.queue.rooms.refresh(created.id);
    expect(after).toMatchObject({ reservable: 15, capacity: 5 });
    // The catalog sees the edit at once (cache invalidated).
    const pub = await client(api).catalog.byId.query({ id: created.id });
    expect(pub.priceMinor).toBe(1999);

    expect((await ops.admin.products.byId.query({ id: created.id })).name).toBe("Lava Lamp");
    await rejects(ops.admin.products.byId.query({ id: 999_999_999 }), "NOT_FOUND");
    await rejects(
      ops.admin.products.create.mutate({
        slug: created.slug,
        name: "Dup",
        category: "Home",
        imageUrl: "/x.svg",
        priceMinor: 1,
        stock: 1,
        saleStartsAt: soon(),
        capacity: 1,
        checkoutTtlSec: 60,
      }),
      "CONFLICT",
    );
  });

  it("pauses and resumes a room; stats and series report live figures", async () => {
    const productId = await insertProduct(api.services, { stock: 4, capacity: 2 });
    const paused = await ops.admin.rooms.pause.mutate({ productId });
    expect(paused.paused).toBe(true);
    const g = await guest(api);
    const t = await g.client.queue.join.mutate({ productId });
    await new Promise((r) => setTimeout(r, 500));
    expect((await g.client.queue.status.query({ ticket: t.ticket })).state).toBe("WAITING");
    const stats = await ops.admin.rooms.stats.query({ productId });
    expect(stats).toMatchObject({ productId, paused: true, waiting: 1, admitted: 0, sold: 0, reservable: 4, capacity: 2 });

    await ops.admin.rooms.resume.mutate({ productId });
    await until(async () => (await g.client.queue.status.query({ ticket: t.ticket })).state === "ADMITTED", 20_000, "admitted after resume");
    await g.client.payment.checkout.mutate({ ticket: t.ticket, card: CARD, idempotencyKey: `adm-${Date.now()}` });
    const later = await until(async () => {
      const s = await ops.admin.rooms.stats.query({ productId });
      return s.sold === 1 ? s : null;
    });
    expect(later).toMatchObject({ waiting: 0, admitted: 0, reservable: 3, paused: false });
    expect(later.admissionRate).toBeGreaterThanOrEqual(0);

    await until(async () => (await ops.admin.rooms.series.query({ productId })).length > 0, 5_000, "series points");
    const series = await ops.admin.rooms.series.query({ productId });
    expect(series[0]).toHaveProperty("waiting");
    const last = await until(async () => {
      const p = (await ops.admin.rooms.series.query({ productId })).at(-1);
      return p && p.sold === 1 ? p : null;
    }, 5_000, "a point after the sale");
    expect(last).toMatchObject({ joined: 1, admittedTotal: 1, sold: 1 });

    const rec = await ops.admin.rooms.reconcile.mutate({ productId });
    expect(rec).toMatchObject({ sold: 1, reservable: 3 });
    expect(await stockOf(api.services, productId)).toBe(3);
  });

  it("creates a QA scenario in one call", async () => {
    const p = await ops.admin.scenario.mutate({ stock: 2, capacity: 1, checkoutTtlSec: 60 });
    expect(p).toMatchObject({ stockLeft: 2, capacity: 1, checkoutTtlSec: 60, saleState: "on_sale", category: "QA" });
  });

  it("validates admin input with BAD_REQUEST and changes nothing", async () => {
    const productId = await insertProduct(api.services, { stock: 4 });
    await rejects(ops.admin.products.update.mutate({ id: productId, patch: {} }), "BAD_REQUEST");
    await rejects(ops.admin.products.update.mutate({ id: productId, patch: { stock: -1 } }), "BAD_REQUEST");
    await rejects(ops.admin.products.update.mutate({ id: productId, patch: { capacity: 0 } }), "BAD_REQUEST");
    await rejects(ops.admin.products.update.mutate({ id: productId, patch: { currency: "usd" } }), "BAD_REQUEST");
    await rejects(ops.admin.products.update.mutate({ id: productId, patch: { saleStartsAt: "tomorrow" } }), "BAD_REQUEST");
    const e = await rejects(
      ops.admin.products.update.mutate({
        id: productId,
        patch: { saleStartsAt: new Date().toISOString(), saleEndsAt: new Date(Date.now() - 1000).toISOString() },
      }),
      "BAD_REQUEST",
    );
    expect(e.message).toMatch(/end after it starts/);
    await rejects(ops.admin.products.create.mutate({ slug: "Not A Slug", name: "x", category: "x", imageUrl: "/x", priceMinor: 1, stock: 1, saleStartsAt: soon(), capacity: 1, checkoutTtlSec: 60 }), "BAD_REQUEST");
    await rejects(ops.admin.products.create.mutate({ slug: "ok-slug", name: "x", category: "x", imageUrl: "javascript:alert(1)", priceMinor: 1, stock: 1, saleStartsAt: soon(), capacity: 1, checkoutTtlSec: 60 }), "BAD_REQUEST");
    await rejects(ops.admin.rooms.stats.query({ productId: 0 }), "BAD_REQUEST");
    await rejects(ops.admin.rooms.pause.mutate({ productId: -5 }), "BAD_REQUEST");
    await rejects(ops.admin.kiosks.register.mutate({ store: "", name: "x" }), "BAD_REQUEST");
    await rejects(ops.admin.kiosks.revoke.mutate({ id: "not-a-uuid" }), "BAD_REQUEST");
    await rejects(ops.admin.scenario.mutate({ stock: -1, capacity: 1, checkoutTtlSec: 60 }), "BAD_REQUEST");
    await rejects(ops.admin.rooms.series.query({ productId: 1, sinceMs: -1 }), "BAD_REQUEST");
    await rejects(ops.admin.rooms.resume.mutate({ productId: 0 }), "BAD_REQUEST");
    await rejects(ops.admin.rooms.reconcile.mutate({ productId: 1.5 }), "BAD_REQUEST");
    await rejects(ops.admin.products.list.query({ limit: 0 }), "BAD_REQUEST");
    await rejects(ops.admin.products.byId.query({ id: -1 }), "BAD_REQUEST");
    expect(await stockOf(api.services, productId)).toBe(4);
    const row = await ops.admin.products.byId.query({ id: productId });
    expect(row).toMatchObject({ capacity: 2, currency: "USD" });
  });
});

describe("authorization", () => {
  it("shoppers, kiosks and strangers cannot call admin procedures", async () => {
    const shopper = await guest(api);
    const anon = client(api);
    for (const c of [shopper.client, anon]) {
      const code = c === anon ? "UNAUTHORIZED" : "FORBIDDEN";
      await rejects(c.admin.products.list.query(), code);
      await rejects(c.admin.rooms.pause.mutate({ productId: 1 }), code);
      await rejects(c.admin.kiosks.register.mutate({ store: "S", name: "K" }), code);
      await rejects(c.admin.scenario.mutate({ stock: 1, capacity: 1, checkoutTtlSec: 60 }), code);
    }
    const { kiosk, key } = await ops.admin.kiosks.register.mutate({ store: "Auth St", name: "K-auth" });
    const dev = await client(api).kiosk.signIn.mutate({ kioskId: kiosk.id, key });
    const kc = client(api, { token: dev.token ?? "" });
    await rejects(kc.admin.products.list.query(), "FORBIDDEN");
    // A kiosk device is not a shopper: it must mint a shopper session first.
    await rejects(kc.queue.join.mutate({ productId: 1 }), "FORBIDDEN");
    await rejects(kc.orders.mine.query(), "FORBIDDEN");
  });

  it("kiosk procedures need a kiosk key", async () => {
    const shopper = await guest(api);
    await rejects(shopper.client.kiosk.shopperSession.mutate(), "FORBIDDEN");
    await rejects(client(api).kiosk.shopperSession.mutate(), "UNAUTHORIZED");
    await rejects(ops.kiosk.me.query(), "FORBIDDEN");
    const { kiosk } = await ops.admin.kiosks.register.mutate({ store: "S", name: "K" });
    await rejects(client(api).kiosk.signIn.mutate({ kioskId: kiosk.id, key: "qdk_wrong-key-wrong-key" }), "UNAUTHORIZED");
    await rejects(client(api).kiosk.signIn.mutate({ kioskId: kiosk.id, key: "short" }), "BAD_REQUEST");
    await rejects(client(api).kiosk.signIn.mutate({ kioskId: "nope", key: "qdk_wrong-key-wrong-key" }), "BAD_REQUEST");
    const second = await ops.admin.kiosks.register.mutate({ store: "S2", name: "K2" });
    const dev = await client(api).kiosk.signIn.mutate({ kioskId: second.kiosk.id, key: second.key });
    await rejects(client(api, { token: dev.token ?? "" }).kiosk.shopperSession.mutate({ displayName: "x".repeat(80) }), "BAD_REQUEST");
  });
});

describe("kiosk flow", () => {
  it("registers a kiosk, signs it in, issues bound shopper sessions that can buy; revocation stops it", async () => {
    const { kiosk, key } = await ops.admin.kiosks.register.mutate({ store: "Main St 1", name: "Kiosk A" });
    expect(key).toMatch(/^qdk_/);
    expect((await ops.admin.kiosks.list.query()).some((k) => k.id === kiosk.id && k.active)).toBe(true);

    const dev = await client(api).kiosk.signIn.mutate({ kioskId: kiosk.id, key });
    expect(dev.user).toMatchObject({ role: "kiosk", channel: "kiosk", kioskId: kiosk.id });
    const device = client(api, { token: dev.token ?? "" });
    expect((await device.kiosk.me.query()).name).toBe("Kiosk A");

    const s = await device.kiosk.shopperSession.mutate({ displayName: "Walk-in" });
    expect(s.user).toMatchObject({ role: "shopper", channel: "kiosk", kioskId: kiosk.id, displayName: "Walk-in" });
    expect(new Date(s.user.expiresAt).getTime() - Date.now()).toBeLessThanOrEqual(15 * 60_000 + 5_000);
    const shopper = client(api, { token: s.token ?? "" });
    // A long line: the kiosk renews the shopper's session and keeps the same identity.
    const renewed = await device.kiosk.shopperSession.mutate({ renew: s.token ?? "" });
    expect(renewed.user.id).toBe(s.user.id);
    await rejects(device.kiosk.shopperSession.mutate({ renew: dev.token ?? "" }), "UNAUTHORIZED");
    await rejects(device.kiosk.shopperSession.mutate({ renew: "not-a-token-not-a-token" }), "UNAUTHORIZED");

    const productId = await insertProduct(api.services, { stock: 2, capacity: 1 });
    const t = await shopper.queue.join.mutate({ productId });
    await until(async () => (await shopper.queue.status.query({ ticket: t.ticket })).state === "ADMITTED", 20_000, "kiosk shopper admitted");
    const o = await shopper.payment.checkout.mutate({ ticket: t.ticket, card: CARD, idempotencyKey: `kiosk-${Date.now()}` });
    expect(o).toMatchObject({ channel: "kiosk", kioskId: kiosk.id, status: "PAID" });

    await ops.admin.kiosks.revoke.mutate({ id: kiosk.id });
    await rejects(device.kiosk.shopperSession.mutate(), "UNAUTHORIZED");
    await rejects(client(api).kiosk.signIn.mutate({ kioskId: kiosk.id, key }), "UNAUTHORIZED");
  });
});

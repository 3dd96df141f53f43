import { order as orderTable, product as productTable, kiosk as kioskTable } from "@quickdeal/db";
import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { trpcAuthApi } from "../../src/core/api.js";
import { validateConfig } from "../../src/core/config.js";
import type { KioskState } from "../../src/core/flow.js";
import { createKioskRuntime, type KioskRuntime } from "../../src/core/runtime.js";
import { type Backend, startBackend } from "./services.js";

const CARD = { number: "4242424242424242", expMonth: 12, expYear: new Date().getUTCFullYear() + 2, cvc: "123", name: "Kiosk shopper" };
const DECLINED = { ...CARD, number: "4000000000000002" };

let backend: Backend;
const runtimes: KioskRuntime[] = [];

function kioskRuntime(creds: { kioskId: string; key: string }): KioskRuntime {
  const parsed = validateConfig({ apiUrl: backend.apiUrl, ...creds, kioskMode: false });
  if (!parsed.ok) throw new Error(parsed.problems.join("; "));
  const runtime = createKioskRuntime(parsed.config, {
    pollMs: 500,
    log: process.env.KIOSK_TEST_LOG ? (msg, extra) => console.error(msg, extra ?? "") : undefined,
  });
  runtimes.push(runtime);
  runtime.controller.start();
  return runtime;
}

const on = (screen: KioskState["screen"]) => (s: KioskState) => s.screen === screen;

/** Starts a visit and waits until the product list shows `productId` (the API caches the catalog for a few seconds). */
async function browseUntilListed(r: KioskRuntime, productId: number): Promise<void> {
  r.controller.send({ type: "START" });
  const deadline = Date.now() + 20_000;
  for (;;) {
    const s = await r.controller.waitFor((st) => st.screen === "browse" && (st.products !== null || st.error !== null));
    if (s.screen === "browse" && s.products?.some((p) => p.id === productId)) return;
    if (Date.now() > deadline) throw new Error(`product ${productId} never showed up in the kiosk's list`);
    await new Promise((res) => setTimeout(res, 500));
    r.controller.send({ type: "REFRESH" });
    await r.controller.waitFor((st) => st.screen === "browse" && st.products !== null && st.error === null).catch(() => undefined);
  }
}

beforeAll(async () => {
  backend = await startBackend();
});

afterAll(async () => {
  for (const r of runtimes) r.stop();
  await backend?.close();
});

describe("kiosk core against the real API", () => {
  it("refuses a wrong kiosk key, and the kiosk shows out of service", async () => {
    const { kioskId } = await backend.registerKiosk("Wrong key");
    await expect(trpcAuthApi(backend.apiUrl).signIn({ kioskId, key: "qdk_this-is-not-the-right-key" })).rejects.toMatchObject({
      kind: "unauthorized",
    });
    const runtime = kioskRuntime({ kioskId, key: "qdk_this-is-not-the-right-key" });
    const state = await runtime.controller.waitFor(on("outOfService"));
    expect(state).toMatchObject({ screen: "outOfService", message: expect.stringContaining("id or key is wrong") });
    runtime.stop();
  });

  it("signs in, joins, gets admitted, pays with 4242…, shows the order's receipt, then wipes the shopper", async () => {
    const creds = await backend.registerKiosk("Front door");
    const productId = await backend.insertProduct();
    const runtime = kioskRuntime(creds);
    const { controller, sessions } = runtime;
    await controller.waitFor(on("attract"));
    expect(controller.view.kiosk).toEqual({ store: "Test Store", name: "Front door" });

    await browseUntilListed(runtime, productId);
    const browse = controller.view.state;
    expect(browse.screen === "browse" && browse.products?.find((p) => p.id === productId)).toMatchObject({ saleState: "on_sale", stockLeft: 3 });
    await expect.poll(() => sessions.shopperToken()).not.toBeNull();
    const shopper = sessions.shopperSession;

    controller.send({ type: "SELECT", productId });
    const checkout = await controller.waitFor(on("checkout"));
    expect(checkout).toMatchObject({ screen: "checkout", ticket: { state: "ADMITTED", productId } });

    controller.send({ type: "PAY", card: CARD });
    const receipt = await controller.waitFor((s) => s.screen === "receipt" && s.receipt !== null);
    if (receipt.screen !== "receipt" || !receipt.receipt) throw new Error("no receipt");
    const orderId = receipt.order.id;
    expect(receipt.order).toMatchObject({ productId, amountMinor: 2500, currency: "USD", status: "PAID", channel: "kiosk", kioskId: creds.kioskId });
    expect(receipt.receipt.qrText).toBe(`quickdeal:order:${orderId}`);
    expect(receipt.receipt.qrSvg).toMatch(/^<svg/);
    expect(receipt.receipt.lines).toContainEqual({ label: "Paid", value: "$25.00" });

    // The order is in MySQL, paid, on the kiosk channel, for the kiosk's shopper.
    const [row] = await backend.db.db.select().from(orderTable).where(eq(orderTable.id, orderId));
    expect(row).toMatchObject({ status: "PAID", channel: "kiosk", kioskId: creds.kioskId, userId: shopper?.userId });
    const [p] = await backend.db.db.select({ stock: productTable.stock }).from(productTable).where(eq(productTable.id, productId));
    expect(p?.stock).toBe(2);

    controller.send({ type: "DONE" });
    await controller.waitFor(on("attract"));
    expect(sessions.shopperToken()).toBeNull();

    // The next customer is someone else.
    controller.send({ type: "START" });
    await controller.waitFor((s) => s.screen === "browse" && s.products !== null);
    await expect.poll(() => sessions.shopperSession?.userId).toBeTruthy();
    expect(sessions.shopperSession?.userId).not.toBe(shopper?.userId);
    controller.send({ type: "CANCEL" });
    await controller.waitFor(on("attract"));
  });

  it("shows a live place in line, admits the next shopper when a slot frees, and survives a declined card", async () => {
    const productId = await backend.insertProduct({ capacity: 1, stock: 2, initialStock: 2 });
    const first = kioskRuntime(await backend.registerKiosk("Left"));
    const second = kioskRuntime(await backend.registerKiosk("Right"));
    await Promise.all([first.controller.waitFor(on("attract")), second.controller.waitFor(on("attract"))]);

    const selectProduct = async (r: KioskRuntime) => {
      await browseUntilListed(r, productId);
      r.controller.send({ type: "SELECT", productId });
    };
    await selectProduct(first);
    await first.controller.waitFor(on("checkout"));
    // The only slot is taken: the second shopper waits, watching live over SSE.
    await selectProduct(second);
    const waiting = await second.controller.waitFor(on("waiting"));
    expect(waiting).toMatchObject({ screen: "waiting", ticket: { state: "WAITING", productId, capacity: 1, admitted: 1 } });

    // A declined card keeps the first shopper in checkout with a message, and the slot stays theirs.
    first.controller.send({ type: "PAY", card: DECLINED });
    const declined = await first.controller.waitFor((s) => s.screen === "checkout" && !s.paying && s.error !== null);
    expect(declined).toMatchObject({ error: expect.stringContaining("Try another card") });
    expect(second.controller.view.state.screen).toBe("waiting");

    first.controller.send({ type: "PAY", card: CARD });
    await first.controller.waitFor(on("receipt"));
    // The freed slot goes to the second shopper, who sees it on the live feed.
    const admitted = await second.controller.waitFor(on("checkout"));
    expect(admitted).toMatchObject({ ticket: { state: "ADMITTED" } });

    // Walking away (cancel) gives the unit back to the line.
    second.controller.send({ type: "CANCEL" });
    await second.controller.waitFor(on("attract"));
    await expect
      .poll(async () => {
        const page = await fetch(`${backend.apiUrl}/catalog.byId?input=${encodeURIComponent(JSON.stringify({ id: productId }))}`);
        const body = (await page.json()) as { result: { data: { stockLeft: number } } };
        return body.result.data.stockLeft;
      }, { timeout: 15_000 })
      .toBe(1);
  });

  it("stops serving shoppers once the kiosk is revoked", async () => {
    const creds = await backend.registerKiosk("Revoked soon");
    const runtime = kioskRuntime(creds);
    await runtime.controller.waitFor(on("attract"));
    await backend.db.db.update(kioskTable).set({ active: false }).where(eq(kioskTable.id, creds.kioskId));
    runtime.controller.send({ type: "START" });
    const state = await runtime.controller.waitFor(on("outOfService"));
    expect(state).toMatchObject({ screen: "outOfService" });
    expect(runtime.sessions.shopperToken()).toBeNull();
  });
});

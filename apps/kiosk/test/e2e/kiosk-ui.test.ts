/**
 * A shopper at the kiosk, end to end: the built renderer in Chromium, talking to the real core
 * through the browser preview's bridge (the stand-in for Electron's preload), the core talking
 * to the real API server, worker, MariaDB, Redis and Kafka. Screenshots of every screen land in
 * test-results/kiosk/.
 */
import { existsSync } from "node:fs";
import { mkdir } from "node:fs/promises";
import type { AddressInfo } from "node:net";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { type Browser, chromium, type Page } from "playwright-core";
import { afterAll, afterEach, beforeAll, expect, it } from "vitest";
import { validateConfig } from "../../src/core/config.js";
import { createKioskRuntime, type KioskRuntime } from "../../src/core/runtime.js";
import { createPreviewServer } from "../../src/preview/server.js";
import { type Backend, startBackend } from "../integration/services.js";

const root = join(dirname(fileURLToPath(import.meta.url)), "..", "..");
const rendererRoot = join(root, "dist", "renderer");
const shots = join(root, "test-results", "kiosk");
const CHROMIUM = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";

let backend: Backend;
let runtime: KioskRuntime;
let server: ReturnType<typeof createPreviewServer>;
let browser: Browser;
let page: Page;
let productId = 0;

beforeAll(async () => {
  if (!existsSync(join(rendererRoot, "app.js"))) throw new Error("dist/renderer is missing: run `npm run build -w @quickdeal/kiosk` first");
  await mkdir(shots, { recursive: true });
  backend = await startBackend();
  productId = await backend.insertProduct({ name: "Neon Sneakers", priceMinor: 8900, stock: 4, initialStock: 4 });
  const creds = await backend.registerKiosk("Front door");
  const parsed = validateConfig({ apiUrl: backend.apiUrl, ...creds, kioskMode: false, idle: { browseSec: 10, warnSec: 5 } });
  if (!parsed.ok) throw new Error(parsed.problems.join("; "));
  runtime = createKioskRuntime(parsed.config, { pollMs: 500 });
  runtime.controller.start();
  server = createPreviewServer({ source: runtime.controller, rendererRoot, imagesOrigin: null });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  browser = await chromium.launch({ executablePath: CHROMIUM, args: ["--no-sandbox"] });
  page = await browser.newPage({ viewport: { width: 1080, height: 1440 } });
  const errors: string[] = [];
  page.on("pageerror", (e) => errors.push(e.message));
  page.on("console", (m) => {
    if (m.type() === "error") errors.push(m.text());
  });
  (globalThis as { pageErrors?: string[] }).pageErrors = errors;
  await page.goto(`http://127.0.0.1:${(server.address() as AddressInfo).port}/`);
});

afterAll(async () => {
  await browser?.close();
  runtime?.stop();
  server?.closeAllConnections();
  server?.close();
  await backend?.close();
});

async function shot(name: string) {
  await page.screenshot({ path: join(shots, `${name}.png`) });
}

afterEach(async (ctx) => {
  if (ctx.task.result?.state === "fail" && page) {
    await shot(`failed-${ctx.task.name.slice(0, 20).replace(/\W+/g, "-")}`).catch(() => undefined);
    console.error("page errors:", (globalThis as { pageErrors?: string[] }).pageErrors, "\nbody:", (await page.content()).slice(0, 2000));
  }
});

it("takes a shopper from the attract screen to a receipt with a QR code, then resets", async () => {
  await page.getByTestId("attract").waitFor({ timeout: 10_000 });
  await shot("1-attract");
  await page.getByTestId("attract").click();

  // The API caches the catalog briefly: refresh until the new product is listed.
  const join = page.getByTestId(`join-${productId}`);
  await expect.poll(async () => {
    if (await join.isVisible()) return true;
    const retry = page.getByRole("button", { name: "Try again" });
    if (await retry.isVisible()) await retry.click();
    else await page.evaluate(() => window.kiosk?.send({ type: "REFRESH" }));
    return false;
  }, { timeout: 20_000, interval: 1_000 }).toBe(true);
  await expect.poll(() => page.getByText("Neon Sneakers").first().isVisible()).toBe(true);
  await expect.poll(() => page.getByText("$89.00").first().isVisible()).toBe(true);
  await shot("2-browse");
  await join.click();

  await page.getByTestId("checkout").waitFor({ timeout: 30_000 });
  for (const d of "4242424242424242") await page.getByTestId(`key-${d}`).click();
  for (const d of "1230123") await page.getByTestId(`key-${d}`).click();
  await expect.poll(() => page.getByTestId("field-number").textContent()).toContain("•••• •••• •••• 4242");
  await shot("3-checkout");
  await page.getByTestId("pay").click();

  await page.getByTestId("receipt").waitFor({ timeout: 30_000 });
  await page.locator("img.qr").waitFor();
  const state = runtime.controller.view.state;
  expect(state.screen).toBe("receipt");
  if (state.screen !== "receipt") return;
  await expect.poll(() => page.getByText(`Your order #${state.order.id} is paid.`).isVisible()).toBe(true);
  expect(await page.locator("img.qr").getAttribute("alt")).toBe(`QR code for order ${state.order.id}`);
  await shot("4-receipt");

  await page.getByRole("button", { name: "Done" }).click();
  await page.getByTestId("attract").waitFor();
  expect(runtime.sessions.shopperToken()).toBeNull();
  expect((globalThis as { pageErrors?: string[] }).pageErrors).toEqual([]);
});

it("shows the waiting screen, warns before an idle reset, and resets", async () => {
  // Someone else holds the only checkout slot of a fresh product, so the kiosk shopper waits.
  const waitProduct = await backend.insertProduct({ name: "Limited Lamp", capacity: 1, stock: 2, initialStock: 2 });
  // Holder: a second kiosk shopper, driven through the core directly.
  const holderCreds = await backend.registerKiosk("Back door");
  const holderCfg = validateConfig({ apiUrl: backend.apiUrl, ...holderCreds });
  if (!holderCfg.ok) throw new Error("bad config");
  const holder = createKioskRuntime(holderCfg.config, { pollMs: 500 });
  holder.controller.start();
  try {
    await holder.controller.waitFor((s) => s.screen === "attract");
    holder.controller.send({ type: "START" });
    for (let i = 0; i < 40; i++) {
      const s = await holder.controller.waitFor((st) => st.screen === "browse" && st.products !== null);
      if (s.screen === "browse" && s.products?.some((p) => p.id === waitProduct)) break;
      await new Promise((r) => setTimeout(r, 500));
      holder.controller.send({ type: "REFRESH" });
    }
    holder.controller.send({ type: "SELECT", productId: waitProduct });
    await holder.controller.waitFor((s) => s.screen === "checkout");

    await page.getByTestId("attract").click();
    const join = page.getByTestId(`join-${waitProduct}`);
    await expect.poll(async () => {
      if (await join.isVisible()) return true;
      await page.evaluate(() => window.kiosk?.send({ type: "REFRESH" }));
      return false;
    }, { timeout: 20_000, interval: 1_000 }).toBe(true);
    await join.click();
    await page.getByTestId("waiting").waitFor({ timeout: 30_000 });
    await expect.poll(() => page.getByTestId("units-left").textContent()).toBe("1");
    await shot("5-waiting");

    // Leave the line, browse, and walk away: the warning comes, then the attract screen.
    await page.getByRole("button", { name: "Leave the line" }).click();
    await page.getByTestId("attract").click();
    await page.getByTestId("browse").waitFor();
    await page.getByTestId("idle-warning").waitFor({ timeout: 15_000 });
    await shot("6-idle-warning");
    await page.getByTestId("attract").waitFor({ timeout: 15_000 });
    expect(runtime.sessions.shopperToken()).toBeNull();
  } finally {
    holder.stop();
  }
});

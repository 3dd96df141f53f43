import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { parseUserEvent } from "../src/core/ipc.js";
import { isAppUrl, resolveAsset, serveAsset } from "../src/main/assets.js";
import { contentSecurityPolicy } from "../src/main/csp.js";
import { ReloadPolicy } from "../src/main/reload-policy.js";
import { kioskWindowOptions } from "../src/main/window.js";

describe("Electron shell pieces (tested without Electron)", () => {
  it("locks the window down", () => {
    const o = kioskWindowOptions({ kioskMode: true, devTools: false, preloadPath: "/app/preload.cjs" });
    expect(o).toMatchObject({ kiosk: true, fullscreen: true, frame: false });
    expect(o.webPreferences).toMatchObject({
      contextIsolation: true,
      nodeIntegration: false,
      sandbox: true,
      webSecurity: true,
      webviewTag: false,
      devTools: false,
      preload: "/app/preload.cjs",
    });
  });

  it("has a CSP with no network, no inline script and images only from the storefront", () => {
    const csp = contentSecurityPolicy({ imagesOrigin: "https://shop.test" });
    expect(csp).toContain("default-src 'none'");
    expect(csp).toContain("script-src 'self'");
    expect(csp).toContain("connect-src 'none'");
    expect(csp).toContain("img-src 'self' data: https://shop.test");
    expect(csp).not.toContain("unsafe");
    expect(contentSecurityPolicy({ imagesOrigin: null })).toContain("img-src 'self' data:;");
  });

  it("serves only files inside the renderer folder, with the CSP header", async () => {
    const root = await mkdtemp(join(tmpdir(), "kiosk-assets-"));
    try {
      await writeFile(join(root, "index.html"), "<html></html>");
      expect(resolveAsset(root, "app://kiosk/")).toBe(join(root, "index.html"));
      expect(resolveAsset(root, "app://kiosk/app.js")).toBe(join(root, "app.js"));
      expect(resolveAsset(root, "app://kiosk/../../etc/passwd")).toBe(join(root, "etc/passwd"));
      // URL parsing already folds dot segments (also encoded ones) into the root.
      expect(resolveAsset(root, "app://kiosk/%2e%2e/%2e%2e/etc/passwd")).toBe(join(root, "etc/passwd"));
      expect(resolveAsset(root, "app://kiosk/..%5c..%5csecret")).toBeNull();
      expect(resolveAsset(root, "app://other/index.html")).toBeNull();
      expect(resolveAsset(root, "https://kiosk/index.html")).toBeNull();

      const ok = await serveAsset(root, "app://kiosk/index.html", "default-src 'none'");
      expect(ok.status).toBe(200);
      expect(ok.headers.get("content-type")).toBe("text/html; charset=utf-8");
      expect(ok.headers.get("content-security-policy")).toBe("default-src 'none'");
      expect(await ok.text()).toBe("<html></html>");
      const missing = await serveAsset(root, "app://kiosk/nope.js", "x");
      expect(missing.status).toBe(404);
    } finally {
      await rm(root, { recursive: true, force: true });
    }
  });

  it("recognises its own origin only", () => {
    expect(isAppUrl("app://kiosk/index.html")).toBe(true);
    expect(isAppUrl("app://evil/index.html")).toBe(false);
    expect(isAppUrl("https://kiosk/")).toBe(false);
    expect(isAppUrl("not a url")).toBe(false);
  });

  it("accepts only well-formed shopper actions from the page", () => {
    expect(parseUserEvent({ type: "START" })).toEqual({ type: "START" });
    expect(parseUserEvent({ type: "SELECT", productId: 3 })).toEqual({ type: "SELECT", productId: 3 });
    expect(parseUserEvent({ type: "SELECT", productId: -1 })).toBeNull();
    expect(parseUserEvent({ type: "START", extra: 1 })).toBeNull();
    expect(parseUserEvent({ type: "IDLE_TIMEOUT" })).toBeNull();
    expect(parseUserEvent({ type: "PAID", order: {} })).toBeNull();
    expect(parseUserEvent("START")).toBeNull();
    const card = { number: "4242424242424242", expMonth: 12, expYear: 2030, cvc: "123", name: "Kiosk shopper" };
    expect(parseUserEvent({ type: "PAY", card })).toEqual({ type: "PAY", card });
    expect(parseUserEvent({ type: "PAY", card: { ...card, number: "4242-4242" } })).toBeNull();
  });

  it("reloads a crashed page with growing delays, forgetting old crashes", () => {
    const p = new ReloadPolicy({ baseMs: 1000, maxMs: 8000, windowMs: 60_000 });
    expect([0, 1, 2, 3, 4].map((i) => p.next(i * 1000))).toEqual([1000, 2000, 4000, 8000, 8000]);
    expect(p.next(200_000)).toBe(1000);
  });
});

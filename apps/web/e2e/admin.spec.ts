import { expect, test } from "@playwright/test";
import { guestToken, join } from "./api";
import { shot } from "./helpers";

test("admin creates a product, opens its dashboard and sees a join appear", async ({ page }, info) => {
  await page.goto("/admin");
  await expect(page).toHaveURL(/\/admin\/login/);
  await page.getByTestId("admin-login-email").fill("admin@quickdeal.local");
  await page.getByTestId("admin-login-password").fill("admin-demo-password");
  await page.getByTestId("admin-login-submit").click();
  await expect(page.getByTestId("admin-products")).toBeVisible();
  await expect(page.getByTestId("admin-product-row").first()).toBeVisible();
  await shot(page, "09-admin-products", info);

  const name = `Console Drone ${Date.now()}`;
  await page.getByTestId("admin-new-product").click();
  await page.getByTestId("pf-name").fill(name);
  await page.getByTestId("pf-category").fill("Electronics");
  await page.getByTestId("pf-description").fill("A test drone created from the console.");
  await page.getByTestId("pf-price").fill("129.50");
  await page.getByTestId("pf-stock").fill("20");
  await page.getByTestId("pf-capacity").fill("4");
  await page.getByTestId("pf-ttl").fill("90");
  await shot(page, "10-admin-new-product", info);
  await page.getByTestId("pf-submit").click();

  await expect(page).toHaveURL(/\/admin\/rooms\/\d+\?created=1$/);
  const productId = Number(/rooms\/(\d+)/.exec(page.url())?.[1]);
  await expect(page.getByTestId("room-title")).toHaveText(name);
  await expect(page.getByTestId("room-joined")).toHaveAttribute("data-value", "0");

  // A shopper joins from elsewhere; the dashboard shows it live.
  await join(await guestToken("Console Watcher"), productId);
  await expect(page.getByTestId("room-joined")).toHaveAttribute("data-value", "1", { timeout: 20_000 });
  // The chart (recharts) draws its four series.
  await expect(page.getByTestId("room-chart").locator(".recharts-surface").first()).toBeVisible();
  await expect(page.getByTestId("room-chart").locator(".recharts-line")).toHaveCount(4);
  await shot(page, "11-admin-room", info);

  // Pause and resume admissions.
  await page.getByTestId("room-pause").click();
  await expect(page.getByTestId("room-paused")).toHaveAttribute("data-paused", "true");
  await page.getByTestId("room-resume").click();
  await expect(page.getByTestId("room-paused")).toHaveAttribute("data-paused", "false");

  // Edit: the new price shows on the storefront.
  await page.goto(`/admin/products/${productId}`);
  await expect(page.getByTestId("pf-name")).toHaveValue(name);
  await page.getByTestId("pf-price").fill("99.00");
  await page.getByTestId("pf-submit").click();
  await expect(page.getByTestId("product-saved")).toBeVisible();
  await page.goto(`/products/${productId}`);
  await expect(page.getByTestId("product-price")).toHaveText("$99.00");
});

test("admin registers a kiosk (key shown once) and revokes it", async ({ page }, info) => {
  await page.goto("/admin/login?next=/admin/kiosks");
  await page.getByTestId("admin-login-email").fill("admin@quickdeal.local");
  await page.getByTestId("admin-login-password").fill("admin-demo-password");
  await page.getByTestId("admin-login-submit").click();
  await expect(page.getByTestId("admin-kiosks")).toBeVisible();

  await page.getByTestId("kiosk-store").fill("Downtown");
  await page.getByTestId("kiosk-name").fill(`Kiosk ${Date.now()}`);
  await page.getByTestId("kiosk-register").click();
  await expect(page.getByTestId("kiosk-key-once")).toBeVisible();
  await expect(page.getByTestId("kiosk-qr")).toBeVisible();
  const key = await page.getByTestId("kiosk-issued-key").textContent();
  expect(key?.length ?? 0).toBeGreaterThan(16);
  const id = (await page.getByTestId("kiosk-issued-id").textContent()) ?? "";
  await shot(page, "12-admin-kiosks", info);
  await page.getByTestId("kiosk-key-done").click();
  await expect(page.getByTestId("kiosk-key-once")).toHaveCount(0);

  const row = page.locator(`[data-testid="kiosk-row"][data-kiosk-id="${id}"]`);
  await expect(row).toHaveAttribute("data-active", "true");
  page.once("dialog", (d) => void d.accept());
  await row.getByTestId("kiosk-revoke").click();
  await expect(row).toHaveAttribute("data-active", "false");
});

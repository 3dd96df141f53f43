import AxeBuilder from "@axe-core/playwright";
import { expect, type Page, test } from "@playwright/test";
import { guestToken, join, scenario, waitFor } from "./api";
import { CARDS, guestJoins, pay } from "./helpers";

// Automated accessibility checks (axe-core, WCAG 2.1 A/AA) on the main pages: no serious or critical findings.
async function audit(page: Page, name: string): Promise<void> {
  const r = await new AxeBuilder({ page }).withTags(["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]).analyze();
  const bad = r.violations.filter((v) => v.impact === "serious" || v.impact === "critical");
  const summary = bad.map((v) => `${v.id}: ${v.help} → ${v.nodes.map((n) => n.target.join(" ")).slice(0, 3).join(", ")}`);
  expect(summary, `${name} has accessibility violations`).toEqual([]);
}

test("shopper pages pass axe (WCAG A/AA)", async ({ page }) => {
  const product = await scenario({ name: `Access Deal ${Date.now()}`, stock: 3, capacity: 1, checkoutTtlSec: 120 });
  // Someone ahead holds the only slot, so our shopper stays in the waiting room.
  const ahead = await guestToken("Ahead");
  const t = await join(ahead, product.id);
  await waitFor(ahead, t.ticket, (s) => s.state === "ADMITTED");

  await page.goto("/");
  await expect(page.getByTestId("product-card").first()).toBeVisible();
  await audit(page, "catalog");
  await page.goto(`/products/${product.id}`);
  await expect(page.getByTestId("product-title")).toBeVisible();
  await audit(page, "product");
  await page.goto(`/welcome?next=/products/${product.id}`);
  await audit(page, "welcome");

  await guestJoins(page, product.id, "Screen Reader User");
  await expect(page.getByTestId("waiting-room")).toHaveAttribute("data-state", "WAITING");
  await audit(page, "waiting room");
});

test("checkout and console pages pass axe (WCAG A/AA)", async ({ page }) => {
  const product = await scenario({ stock: 3, capacity: 3, checkoutTtlSec: 120 });
  await guestJoins(page, product.id);
  await expect(page).toHaveURL(new RegExp(`/checkout/${product.id}$`), { timeout: 30_000 });
  await page.getByTestId("pay-button").click();
  await expect(page.getByTestId("card-number-error")).toBeVisible();
  await audit(page, "checkout with errors");
  await pay(page, CARDS.approve);
  await expect(page.getByTestId("order-confirmation")).toBeVisible({ timeout: 20_000 });
  await audit(page, "confirmation");
  await page.goto("/orders");
  await expect(page.getByTestId("order-row")).toHaveCount(1);
  await audit(page, "my orders");

  await page.goto("/admin/login");
  await audit(page, "admin login");
  await page.getByTestId("admin-login-email").fill("admin@quickdeal.local");
  await page.getByTestId("admin-login-password").fill("admin-demo-password");
  await page.getByTestId("admin-login-submit").click();
  await expect(page.getByTestId("admin-product-row").first()).toBeVisible();
  await audit(page, "admin products");
  await page.goto(`/admin/rooms/${product.id}`);
  await expect(page.getByTestId("room-joined")).toBeVisible();
  await audit(page, "admin room");
  await page.goto("/admin/products/new");
  await audit(page, "admin new product");
  await page.goto("/admin/kiosks");
  await expect(page.getByTestId("admin-kiosks")).toBeVisible();
  await audit(page, "admin kiosks");
});

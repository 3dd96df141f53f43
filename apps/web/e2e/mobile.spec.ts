import { expect, test } from "@playwright/test";
import { scenario } from "./api";
import { guestJoins, shot } from "./helpers";

test.use({ viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true });

const noSideScroll = () => document.documentElement.scrollWidth <= window.innerWidth + 1;

test("works on a phone: no sideways scrolling on the main shopper pages", async ({ page }, info) => {
  await page.goto("/");
  await expect(page.getByTestId("product-card").first()).toBeVisible();
  expect(await page.evaluate(noSideScroll)).toBe(true);
  await shot(page, "m1-catalog", info);

  const product = await scenario({ name: `Pocket Deal ${Date.now()}`, stock: 4, capacity: 2, checkoutTtlSec: 120 });
  await page.goto(`/products/${product.id}`);
  await expect(page.getByTestId("product-title")).toBeVisible();
  expect(await page.evaluate(noSideScroll)).toBe(true);
  await shot(page, "m2-product", info);

  await guestJoins(page, product.id, "Phone Shopper");
  await expect(page).toHaveURL(new RegExp(`/checkout/${product.id}$`), { timeout: 30_000 });
  await expect(page.getByTestId("card-form")).toBeVisible();
  expect(await page.evaluate(noSideScroll)).toBe(true);
  await shot(page, "m3-checkout", info);
});

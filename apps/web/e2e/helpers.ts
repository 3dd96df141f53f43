import { mkdirSync } from "node:fs";
import { expect, type Page, type TestInfo } from "@playwright/test";

/** Full-page screenshot kept as an artifact (test-results/screenshots) and attached to the report. */
export async function shot(page: Page, name: string, info?: TestInfo): Promise<void> {
  mkdirSync("test-results/screenshots", { recursive: true });
  const path = `test-results/screenshots/${name}.png`;
  // Pictures in view should be drawn before the shot (lazy ones below the fold may stay blank).
  await page
    .waitForFunction(() => Array.from(document.images).every((i) => i.complete || i.getBoundingClientRect().top > window.innerHeight), null, { timeout: 5_000 })
    .catch(() => {});
  await page.screenshot({ path, fullPage: true });
  if (info) await info.attach(name, { path, contentType: "image/png" });
}

/** From a product page as a signed-out visitor: continue as guest, come back, join the line. */
export async function guestJoins(page: Page, productId: number, name?: string): Promise<void> {
  await page.goto(`/products/${productId}`);
  await page.getByTestId("buy-now").click();
  await expect(page).toHaveURL(/\/welcome\?next=/);
  if (name) await page.getByTestId("guest-name").fill(name);
  await page.getByTestId("continue-as-guest").click();
  await expect(page).toHaveURL(new RegExp(`/products/${productId}$`));
  await expect(page.getByTestId("buy-now")).toHaveText("Buy now");
  await page.getByTestId("buy-now").click();
  await expect(page).toHaveURL(new RegExp(`/(queue|checkout)/${productId}$`));
}

/** Fills and submits the card form on the checkout page. */
export async function pay(page: Page, number: string): Promise<void> {
  await page.getByTestId("card-number").fill(number);
  await page.getByTestId("card-name").fill("Test Shopper");
  await page.getByTestId("card-expiry").fill("12/30");
  await page.getByTestId("card-cvc").fill("123");
  await page.getByTestId("pay-button").click();
}

export const CARDS = {
  approve: "4242 4242 4242 4242",
  decline: "4000 0000 0000 0002",
  error: "4000 0000 0000 0119",
  slow: "4000 0000 0000 3220",
} as const;

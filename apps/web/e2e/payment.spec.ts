import { expect, test } from "@playwright/test";
import { scenario } from "./api";
import { CARDS, guestJoins, pay, shot } from "./helpers";

test("a declined card shows an inline error, the hold stays, and another card is approved", async ({ page }, info) => {
  const product = await scenario({ name: `Retry Kettle ${Date.now()}`, stock: 3, capacity: 3, checkoutTtlSec: 180, priceMinor: 2500 });
  await guestJoins(page, product.id, "Retry Shopper");
  await expect(page).toHaveURL(new RegExp(`/checkout/${product.id}$`), { timeout: 30_000 });

  // A typo is caught before any request.
  await page.getByTestId("card-number").fill("4242 4242 4242 4241");
  await page.getByTestId("pay-button").click();
  await expect(page.getByTestId("card-number-error")).toContainText("not valid");

  await pay(page, CARDS.decline);
  await expect(page.getByTestId("payment-error")).toBeVisible({ timeout: 15_000 });
  await expect(page.getByTestId("payment-error")).toContainText(/declin/i);
  await expect(page).toHaveURL(new RegExp(`/checkout/${product.id}$`));
  await shot(page, "05b-checkout-declined", info);

  // The demo list fills the form with a test card.
  await page.getByTestId("use-card-4242424242424242").click();
  await expect(page.getByTestId("card-number")).toHaveValue(CARDS.approve);
  await page.getByTestId("pay-button").click();
  await expect(page).toHaveURL(/\/orders\/\d+\?new=1$/, { timeout: 20_000 });
  await expect(page.getByTestId("order-amount")).toHaveText("$25.00");
  await expect(page.getByTestId("order-status")).toHaveText("Paid");
});

test("the paying tab lands on its confirmation even when the ticket's purchase shows up first", async ({ page }) => {
  const product = await scenario({ name: `Slow Page Kettle ${Date.now()}`, stock: 2, capacity: 2, checkoutTtlSec: 180, priceMinor: 2500 });
  await guestJoins(page, product.id, "Patient Shopper");
  await expect(page).toHaveURL(new RegExp(`/checkout/${product.id}$`), { timeout: 30_000 });

  // A slow network for the order page: the checkout stays on screen while its ticket, refetched
  // after the payment, comes back PURCHASED. That must not replace the confirmation (?new=1).
  let delayed = 0;
  await page.route(/\/orders\/\d+/, async (route) => {
    if (route.request().resourceType() === "fetch" && delayed++ === 0) await new Promise((r) => setTimeout(r, 5_000));
    await route.continue();
  });
  await pay(page, CARDS.approve);
  await expect(page).toHaveURL(/\/orders\/\d+\?new=1$/, { timeout: 20_000 });
  await expect(page.getByTestId("order-status")).toHaveText("Paid");
  expect(delayed).toBeGreaterThan(0);
});

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

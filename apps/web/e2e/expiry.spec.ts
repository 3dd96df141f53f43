import { expect, test } from "@playwright/test";
import { scenario } from "./api";
import { guestJoins } from "./helpers";

test("a held unit expires and the next shopper in line is admitted", async ({ browser }) => {
  test.setTimeout(240_000);
  // 30 s is the shortest hold the API accepts.
  const product = await scenario({ name: `Short Hold ${Date.now()}`, stock: 1, capacity: 1, checkoutTtlSec: 30 });
  const first = await (await browser.newContext()).newPage();
  const next = await (await browser.newContext()).newPage();

  await guestJoins(first, product.id, "First");
  await expect(first).toHaveURL(new RegExp(`/checkout/${product.id}$`), { timeout: 30_000 });
  await expect(first.getByTestId("hold-countdown")).toHaveText(/^0:[0-3][0-9]$/);

  await guestJoins(next, product.id, "Next");
  await expect(next.getByTestId("waiting-room")).toHaveAttribute("data-state", "WAITING");

  // The first shopper does not pay: the hold runs out and they go back to the product with an explanation.
  await expect(first).toHaveURL(new RegExp(`/products/${product.id}\\?expired=1$`), { timeout: 60_000 });
  await expect(first.getByTestId("expired-notice")).toContainText("hold expired");

  // The unit returns to the line and the next shopper is admitted straight to checkout.
  await expect(next).toHaveURL(new RegExp(`/checkout/${product.id}$`), { timeout: 60_000 });
  await expect(next.getByTestId("checkout-page")).toBeVisible();
});

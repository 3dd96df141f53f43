import { expect, test } from "@playwright/test";
import { scenario } from "./api";
import { CARDS, guestJoins, pay, shot } from "./helpers";

test("two shoppers race for the last unit: exactly one buys, the other sees sold out", async ({ browser }, info) => {
  const product = await scenario({ name: `Last Unit ${Date.now()}`, stock: 1, capacity: 2, checkoutTtlSec: 120 });
  const a = await (await browser.newContext()).newPage();
  const b = await (await browser.newContext()).newPage();

  // Both join at (nearly) the same moment.
  await Promise.all([guestJoins(a, product.id, "Shopper A"), guestJoins(b, product.id, "Shopper B")]);

  // Only one unit is reservable, so exactly one of them is admitted.
  const onCheckout = async () => {
    await expect
      .poll(async () => [a.url(), b.url()].filter((u) => u.includes("/checkout/")).length, { timeout: 30_000 })
      .toBe(1);
    return a.url().includes("/checkout/") ? { winner: a, loser: b } : { winner: b, loser: a };
  };
  const { winner, loser } = await onCheckout();
  await expect(loser.getByTestId("waiting-room")).toHaveAttribute("data-state", "WAITING");

  await pay(winner, CARDS.approve);
  await expect(winner).toHaveURL(/\/orders\/\d+/, { timeout: 20_000 });
  await expect(winner.getByTestId("order-confirmation")).toBeVisible();

  // The other shopper is told at once that it is gone, and never reaches checkout.
  await expect(loser.getByTestId("sold-out")).toBeVisible({ timeout: 20_000 });
  await expect(loser.getByTestId("waiting-room")).toHaveAttribute("data-state", "SOLD_OUT");
  await shot(loser, "08-sold-out", info);
  await loser.goto(`/products/${product.id}`);
  await expect(loser.getByTestId("buy-now")).toHaveText("Sold out");
  await expect(loser.getByTestId("stock-left")).toHaveText("0");

  await loser.goto("/orders");
  await expect(loser.getByTestId("orders-empty")).toBeVisible();
  await winner.goto("/orders");
  await expect(winner.getByTestId("order-row")).toHaveCount(1);
});

import { expect, test } from "@playwright/test";
import { scenario } from "./api";
import { CARDS, pay, shot } from "./helpers";

test("full journey: browse → product → guest → join → wait → admitted → pay → confirmation → My orders", async ({ page }, info) => {
  const product = await scenario({ name: `Journey Lamp ${Date.now()}`, stock: 5, capacity: 2, checkoutTtlSec: 120, priceMinor: 4999 });

  // Browse: the QA category holds scenario products.
  await page.goto("/");
  await expect(page.getByTestId("product-card").first()).toBeVisible();
  await shot(page, "01-catalog", info);
  await page.getByTestId("category-QA").click();
  await expect(page).toHaveURL(/category=QA/);
  const card = page.locator(`[data-testid="product-card"][data-product-id="${product.id}"]`);
  await expect(card).toBeVisible();
  await expect(card.getByTestId("stock-badge")).toContainText("5");
  await card.getByTestId("product-link").click();

  // Product page, then guest sign-in, which returns to the product.
  await expect(page).toHaveURL(new RegExp(`/products/${product.id}$`));
  await expect(page.getByTestId("product-title")).toHaveText(product.name);
  await expect(page.getByTestId("stock-left")).toHaveText("5");
  await shot(page, "02-product", info);
  await page.getByTestId("buy-now").click();
  await expect(page).toHaveURL(/\/welcome\?next=/);
  await shot(page, "03-welcome", info);
  await page.getByTestId("guest-name").fill("Journey Tester");
  await page.getByTestId("continue-as-guest").click();
  await expect(page).toHaveURL(new RegExp(`/products/${product.id}$`));

  // Join: the waiting room shows, then admission takes the shopper to checkout by itself.
  await page.getByTestId("buy-now").click();
  await expect(page).toHaveURL(new RegExp(`/queue/${product.id}$`));
  await expect(page.getByTestId("waiting-room")).toBeVisible();
  await shot(page, "04-waiting-room", info);
  await expect(page).toHaveURL(new RegExp(`/checkout/${product.id}$`), { timeout: 30_000 });
  await expect(page.getByTestId("hold-countdown")).toHaveText(/^[0-9]+:[0-9]{2}$/);
  await expect(page.getByTestId("test-cards")).toBeVisible();
  await shot(page, "05-checkout", info);

  // Client-side validation first, then a real payment.
  await page.getByTestId("pay-button").click();
  await expect(page.getByTestId("card-number-error")).toBeVisible();
  await pay(page, CARDS.approve);
  await expect(page).toHaveURL(/\/orders\/\d+\?new=1$/, { timeout: 20_000 });
  await expect(page.getByTestId("confirmation-title")).toContainText("confirmed");
  await expect(page.getByTestId("order-product")).toHaveText(product.name);
  await expect(page.getByTestId("order-amount")).toHaveText("$49.99");
  await shot(page, "06-confirmation", info);

  await page.getByTestId("to-my-orders").click();
  await expect(page).toHaveURL(/\/orders$/);
  await expect(page.getByTestId("order-row")).toHaveCount(1);
  await expect(page.getByTestId("order-row").getByTestId("order-product")).toHaveText(product.name);
  await shot(page, "07-my-orders", info);

  // The product page knows this shopper already bought it.
  await page.goto(`/products/${product.id}`);
  await expect(page.getByTestId("already-bought")).toBeVisible();
  await expect(page.getByTestId("stock-left")).toHaveText("4");
});

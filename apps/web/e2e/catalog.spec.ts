import { expect, test } from "@playwright/test";
import { shot } from "./helpers";

test("infinite scroll loads more than one page as the sentinel comes into view", async ({ page }, info) => {
  await page.goto("/");
  const cards = page.getByTestId("product-card");
  await expect(cards).toHaveCount(12);
  // Each card shows a live stock badge and its sale state.
  await expect(cards.first().getByTestId("stock-badge")).toBeVisible();
  await expect(cards.first().getByTestId("sale-state")).toBeVisible();

  await page.getByTestId("catalog-sentinel").scrollIntoViewIfNeeded();
  await expect(cards).toHaveCount(24);
  await page.getByTestId("catalog-sentinel").scrollIntoViewIfNeeded();
  await expect.poll(() => cards.count()).toBeGreaterThan(24);
  // Pages never repeat a product.
  const ids = await cards.evaluateAll((els) => els.map((e) => e.getAttribute("data-product-id")));
  expect(new Set(ids).size).toBe(ids.length);

  // The category filter narrows the list.
  await page.getByTestId("category-Books").click();
  await expect(page).toHaveURL(/category=Books/);
  await expect(cards).toHaveCount(6);
  await shot(page, "01b-catalog-books", info);
});

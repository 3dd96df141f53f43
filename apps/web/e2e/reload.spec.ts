import { expect, test } from "@playwright/test";
import { guestToken, join, scenario, waitFor } from "./api";
import { guestJoins, shot } from "./helpers";

test("reload keeps the same place in line, and a second tab shows the same ticket", async ({ page, context }, info) => {
  const product = await scenario({ name: `Queue Keeper ${Date.now()}`, stock: 5, capacity: 1, checkoutTtlSec: 300 });
  // Two shoppers ahead: one holds the only checkout slot, one waits before us.
  const first = await guestToken("Ahead One");
  const t1 = await join(first, product.id);
  await waitFor(first, t1.ticket, (t) => t.state === "ADMITTED");
  await join(await guestToken("Ahead Two"), product.id);

  await guestJoins(page, product.id, "Patient Shopper");
  const room = page.getByTestId("waiting-room");
  await expect(room).toHaveAttribute("data-state", "WAITING");
  await expect(page.getByTestId("queue-ahead")).toHaveText("1");
  await expect(page.getByTestId("queue-headline")).toHaveText("1 person is ahead of you");
  await expect(page).toHaveTitle(/^\(1\) ahead · Waiting room/);
  await expect(page.getByTestId("queue-live")).toHaveAttribute("aria-live", "polite");
  await expect(page.getByTestId("queue-checking-out")).toHaveText("1 / 1");
  // Updates arrive over SSE (the polling fallback is only a safety net).
  await expect(page.getByTestId("queue-connection")).toHaveAttribute("data-mode", "live");
  const seq = await room.getAttribute("data-ticket-seq");
  expect(Number(seq)).toBeGreaterThan(0);
  await shot(page, "04b-waiting-room-in-line", info);

  await page.reload();
  await expect(room).toHaveAttribute("data-ticket-seq", seq!);
  await expect(page.getByTestId("queue-ahead")).toHaveText("1");

  const second = await context.newPage();
  await second.goto(`/queue/${product.id}`);
  await expect(second.getByTestId("waiting-room")).toHaveAttribute("data-ticket-seq", seq!);
  await expect(second.getByTestId("queue-ahead")).toHaveText("1");

  // A closed and reopened tab finds the ticket too.
  await page.close();
  const reopened = await context.newPage();
  await reopened.goto(`/products/${product.id}`);
  await expect(reopened.getByTestId("go-to-line")).toBeVisible();
  await reopened.getByTestId("go-to-line").click();
  await expect(reopened.getByTestId("waiting-room")).toHaveAttribute("data-ticket-seq", seq!);

  // Leaving the line is shown in every tab.
  await reopened.getByTestId("leave-line").click();
  await expect(reopened.getByTestId("waiting-room")).toHaveAttribute("data-state", "LEFT");
  await expect(second.getByTestId("waiting-room")).toHaveAttribute("data-state", "LEFT", { timeout: 20_000 });
});

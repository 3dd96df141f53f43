import { expect, test } from "@playwright/test";
import { guestToken, join, scenario } from "./api";

// The router mounted in Next.js (same-origin clients, QA) behaves like the API process.
test("Next.js mounts the router at /api/trpc, including SSE subscriptions with event ids", async ({ request, baseURL }) => {
  const list = await request.get(`/api/trpc/catalog.list?input=${encodeURIComponent(JSON.stringify({ limit: 2 }))}`);
  expect(list.ok()).toBe(true);
  const body = (await list.json()) as { result: { data: { items: { id: number; slug: string }[] } } };
  expect(body.result.data.items).toHaveLength(2);

  const product = await scenario({ stock: 2, capacity: 1, checkoutTtlSec: 60 });
  const token = await guestToken("Route Tester");
  const ticket = await join(token, product.id);

  // Read the first event of queue.watch through the Next route.
  const ctrl = new AbortController();
  const url = `${baseURL}/api/trpc/queue.watch?input=${encodeURIComponent(JSON.stringify({ ticket: ticket.ticket }))}`;
  const res = await fetch(url, { headers: { authorization: `Bearer ${token}`, accept: "text/event-stream" }, signal: ctrl.signal });
  expect(res.headers.get("content-type")).toContain("text/event-stream");
  const reader = res.body!.getReader();
  let text = "";
  const until = Date.now() + 15_000;
  while (!/\nid: ?\S+/.test(text) || !text.includes(ticket.ticket)) {
    if (Date.now() > until) break;
    const { value, done } = await reader.read();
    if (done) break;
    text += new TextDecoder().decode(value);
  }
  ctrl.abort();
  // A tracked event: an id line, and data that is the ticket status itself (not a wrapped envelope).
  expect(text).toMatch(/\nid: ?\S+/);
  const data = /data: ?(\{.*"ticket".*\})/.exec(text)?.[1];
  expect(data).toBeTruthy();
  expect(JSON.parse(data!)).toMatchObject({ ticket: ticket.ticket, productId: product.id });

  const img = await request.get(`/img/p/${body.result.data.items[0]!.slug}.svg`);
  expect(img.ok()).toBe(true);
  expect(img.headers()["content-type"]).toContain("image/svg+xml");
  expect(await img.text()).toContain("<svg");
  expect((await request.get("/img/p/no-such-product.svg")).status()).toBe(404);
  expect((await request.get("/img/p/..%2Fetc.svg")).status()).toBe(404);
});

// Direct calls to the API process over tRPC's HTTP wire format (bearer tokens), for test setup
// and for "other shoppers" that do not need a browser. Also used by seed-scenario.ts for QA.

const apiUrl = () => process.env.E2E_API_URL ?? process.env.API_URL ?? "http://localhost:4310/api/trpc";

export interface ScenarioInput {
  name?: string;
  stock: number;
  capacity: number;
  checkoutTtlSec: number;
  priceMinor?: number;
  startsInSec?: number;
  durationSec?: number | null;
}

export interface Product {
  id: number;
  slug: string;
  name: string;
  stockLeft: number;
  capacity: number;
  checkoutTtlSec: number;
}

export interface Ticket {
  ticket: string;
  productId: number;
  seq: number;
  state: string;
  ahead: number;
  expiresAt: number | null;
  orderId: number | null;
}

async function call<T>(kind: "query" | "mutation", path: string, input: unknown, token?: string): Promise<T> {
  const headers: Record<string, string> = { "content-type": "application/json" };
  if (token) headers.authorization = `Bearer ${token}`;
  const url = `${apiUrl()}/${path}`;
  const res =
    kind === "query"
      ? await fetch(input === undefined ? url : `${url}?input=${encodeURIComponent(JSON.stringify(input))}`, { headers })
      : await fetch(url, { method: "POST", headers, body: JSON.stringify(input ?? null) });
  const body = (await res.json()) as { result?: { data: T }; error?: { message: string } };
  if (!res.ok || !body.result) throw new Error(`${path} failed (${res.status}): ${body.error?.message ?? JSON.stringify(body)}`);
  return body.result.data;
}

export async function guestToken(displayName?: string): Promise<string> {
  const r = await call<{ token: string | null }>("mutation", "auth.guest", { displayName, transport: "bearer" });
  if (!r.token) throw new Error("no bearer token returned");
  return r.token;
}

export async function adminToken(
  email = process.env.ADMIN_EMAIL ?? "admin@quickdeal.local",
  password = process.env.ADMIN_PASSWORD ?? "admin-demo-password",
): Promise<string> {
  const r = await call<{ token: string | null }>("mutation", "auth.login", { email, password, transport: "bearer" });
  if (!r.token) throw new Error("no bearer token returned");
  return r.token;
}

/** A product on sale now with the given stock, capacity and checkout TTL (admin.scenario). */
export async function scenario(input: ScenarioInput, token?: string): Promise<Product> {
  return call<Product>("mutation", "admin.scenario", input, token ?? (await adminToken()));
}

export function join(token: string, productId: number): Promise<Ticket> {
  return call<Ticket>("mutation", "queue.join", { productId }, token);
}

export function status(token: string, ticket: string): Promise<Ticket> {
  return call<Ticket>("query", "queue.status", { ticket }, token);
}

/** Polls a ticket until `pred` holds (the worker admits asynchronously). */
export async function waitFor(token: string, ticket: string, pred: (t: Ticket) => boolean, timeoutMs = 20_000): Promise<Ticket> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const t = await status(token, ticket);
    if (pred(t)) return t;
    if (Date.now() > until) throw new Error(`ticket stayed ${t.state} (ahead ${t.ahead})`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

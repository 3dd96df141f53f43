import type { AppRouter } from "@quickdeal/api";
import { createTRPCClient, httpBatchLink, httpSubscriptionLink, splitLink, type TRPCClient } from "@trpc/client";
import { EventSource } from "eventsource";

export type KioskClient = TRPCClient<AppRouter>;

export interface KioskClientOptions {
  /** The API's tRPC endpoint, e.g. http://127.0.0.1:4000/api/trpc. */
  url: string;
  /** Read on every request, so a renewed or wiped session takes effect at once. */
  token: () => string | null;
  fetch?: typeof fetch;
}

/**
 * The typed client the kiosk uses: batched HTTP for queries and mutations, SSE for
 * `queue.watch`. Both carry `Authorization: Bearer <token>` (the `eventsource` package can send
 * headers, unlike a browser EventSource, so the token never goes into a URL).
 */
export function createKioskClient(opts: KioskClientOptions): KioskClient {
  const baseFetch = opts.fetch ?? globalThis.fetch;
  const authHeaders = (): Record<string, string> => {
    const token = opts.token();
    return token ? { authorization: `Bearer ${token}` } : {};
  };
  const sseFetch: typeof fetch = (input, init) => {
    const headers = new Headers(init?.headers);
    for (const [k, v] of Object.entries(authHeaders())) headers.set(k, v);
    return baseFetch(input, { ...init, headers });
  };
  return createTRPCClient<AppRouter>({
    links: [
      splitLink({
        condition: (op) => op.type === "subscription",
        true: httpSubscriptionLink({
          url: opts.url,
          EventSource,
          eventSourceOptions: () => ({ fetch: sseFetch }),
        }),
        false: httpBatchLink({ url: opts.url, headers: authHeaders, fetch: baseFetch, maxItems: 10 }),
      }),
    ],
  });
}

import type { RouterOutputs } from "@quickdeal/api";
import { createKioskClient, type KioskClient } from "./client.js";
import { toKioskError } from "./errors.js";
import type { KioskAuthApi } from "./session.js";

export type ProductCard = RouterOutputs["catalog"]["list"]["items"][number];
export type TicketStatus = RouterOutputs["queue"]["status"];
export type TicketState = TicketStatus["state"];
export type OrderView = RouterOutputs["payment"]["checkout"];

export interface CardDetails {
  number: string;
  expMonth: number;
  expYear: number;
  cvc: string;
  name: string;
}

/** Stops a live subscription. */
export type Unsubscribe = () => void;

/** Everything the kiosk flow asks of the API as the current shopper. */
export interface KioskApi {
  products(): Promise<ProductCard[]>;
  join(productId: number): Promise<TicketStatus>;
  status(ticket: string): Promise<TicketStatus>;
  watch(ticket: string, on: { status(s: TicketStatus): void; error(err: unknown): void }): Unsubscribe;
  leave(ticket: string): Promise<void>;
  checkout(input: { ticket: string; card: CardDetails; idempotencyKey: string }): Promise<OrderView>;
  order(id: number): Promise<OrderView>;
}

/** How many products the kiosk lists at most (one touch screen, no paging). */
export const PRODUCT_LIMIT = 60;

export function trpcKioskApi(client: KioskClient): KioskApi {
  return {
    async products() {
      const page = await client.catalog.list.query({ limit: PRODUCT_LIMIT });
      return page.items;
    },
    join: (productId) => client.queue.join.mutate({ productId }),
    status: (ticket) => client.queue.status.query({ ticket }),
    watch(ticket, on) {
      const sub = client.queue.watch.subscribe(
        { ticket },
        {
          onData: (event) => on.status(event.data),
          onError: (err) => on.error(err),
        },
      );
      return () => sub.unsubscribe();
    },
    async leave(ticket) {
      await client.queue.leave.mutate({ ticket });
    },
    checkout: (input) => client.payment.checkout.mutate(input),
    order: (id) => client.orders.byId.query({ id }),
  };
}

/** The device sign-in and shopper minting over tRPC; each call carries only the token it needs. */
export function trpcAuthApi(url: string, fetchImpl?: typeof fetch): KioskAuthApi {
  const withToken = (token: string | null) => createKioskClient({ url, token: () => token, ...(fetchImpl ? { fetch: fetchImpl } : {}) });
  const anonymous = withToken(null);
  return {
    async signIn(credentials) {
      try {
        const r = await anonymous.kiosk.signIn.mutate(credentials);
        if (!r.token) throw new Error("the server answered a kiosk sign-in without a token");
        return { token: r.token, expiresAt: r.user.expiresAt, kiosk: { id: r.kiosk.id, store: r.kiosk.store, name: r.kiosk.name } };
      } catch (err) {
        throw toKioskError(err);
      }
    },
    async shopperSession(deviceToken, renew) {
      try {
        const r = await withToken(deviceToken).kiosk.shopperSession.mutate(renew ? { renew } : undefined);
        if (!r.token) throw new Error("the server answered a shopper session without a token");
        return { token: r.token, expiresAt: r.user.expiresAt, userId: r.user.id };
      } catch (err) {
        throw toKioskError(err);
      }
    },
  };
}

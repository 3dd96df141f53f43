import type { TicketState } from "./queue-view";

/** States in which the shopper still holds a place (in line or in checkout). */
export const ACTIVE_STATES: ReadonlySet<TicketState> = new Set(["WAITING", "ADMITTED", "PAYING"]);

export function isActive(state: TicketState | undefined | null): boolean {
  return !!state && ACTIVE_STATES.has(state);
}

/** tRPC delivers `tracked(id, data)` events as `{ id, data }`; accept both shapes. */
export function untrack<T extends object>(ev: T | { id: string; data: T }): T {
  if ("id" in ev && "data" in ev && typeof (ev as { id: unknown }).id === "string" && typeof ev.data === "object" && ev.data !== null) {
    return ev.data as T;
  }
  return ev as T;
}

/** Remembers the largest "people ahead" seen for a ticket, so progress survives reloads. */
export function rememberStartAhead(ticket: string, ahead: number, store: Pick<Storage, "getItem" | "setItem"> | null): number {
  const key = `qd.startAhead.${ticket.slice(-24)}`;
  const prev = Number(store?.getItem(key) ?? 0) || 0;
  const next = Math.max(prev, ahead);
  if (next !== prev) store?.setItem(key, String(next));
  return next;
}

/** A fresh idempotency key per payment attempt (a double click reuses the pending one). */
export function newIdempotencyKey(): string {
  const c = globalThis.crypto;
  if (c && typeof c.randomUUID === "function") return c.randomUUID();
  return `${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 12)}`;
}

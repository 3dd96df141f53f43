import { createHmac, timingSafeEqual } from "node:crypto";
import { LRUCache } from "lru-cache";
import { QueueError } from "./errors.js";
import type { TicketRef } from "./types.js";

/**
 * Tickets are opaque, tamper-evident strings: `v1.<productId>.<seq>.<userId>.<mac>`.
 * HMAC-SHA256 (truncated to 128 bits) is enough to make them unforgeable and costs ~2 µs,
 * which matters because every status poll verifies one.
 */
const VERSION = "v1";

/**
 * Tickets already verified (ticket → its fields): a shopper polls the same ticket every second or
 * so, and a cache lookup is ~20× cheaper than the HMAC. Bounded, least recently used out (~250 B per
 * entry); a ticket's validity never changes, only its secret could, so the secret is kept too.
 */
const verified = new LRUCache<string, { secret: string; ref: Readonly<TicketRef> }>({ max: 100_000 });

export function signTicket(secret: string, ref: TicketRef): string {
  const body = `${VERSION}.${ref.productId}.${ref.seq}.${ref.userId}`;
  const ticket = `${body}.${mac(secret, body)}`;
  // The process that issued a ticket usually serves its first status read or watch too (the
  // client's keep-alive connection): a ticket made here needs no HMAC to be believed here.
  verified.set(ticket, { secret, ref: { productId: ref.productId, seq: ref.seq, userId: ref.userId } });
  return ticket;
}

export function verifyTicket(secret: string, ticket: unknown): TicketRef {
  if (typeof ticket !== "string" || ticket.length > 200) throw badTicket();
  const hit = verified.get(ticket);
  if (hit !== undefined && hit.secret === secret) return { ...hit.ref };
  const cut = ticket.lastIndexOf(".");
  if (cut < 0) throw badTicket();
  const body = ticket.slice(0, cut);
  // Compare the canonical encodings: decoding would ignore stray characters and spare bits.
  const given = Buffer.from(ticket.slice(cut + 1));
  const expected = Buffer.from(mac(secret, body));
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) throw badTicket();
  const [version, productId, seq, userId] = body.split(".");
  if (version !== VERSION || !productId || !seq || !userId) throw badTicket();
  const ref = { productId: Number(productId), seq: Number(seq), userId };
  verified.set(ticket, { secret, ref: { ...ref } });
  return ref;
}

/** The id stored on orders: unique per ticket, readable in the database. */
export function ticketId(ref: Pick<TicketRef, "productId" | "seq">): string {
  return `${ref.productId}:${ref.seq}`;
}

function mac(secret: string, body: string): string {
  return createHmac("sha256", secret).update(body).digest().subarray(0, 16).toString("base64url");
}

function badTicket(): QueueError {
  return new QueueError("BAD_TICKET", "This ticket is not valid: it was altered or not issued by QuickDeal.");
}

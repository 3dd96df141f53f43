import type { OrderView, ProductCard, TicketStatus } from "../src/core/api.js";
import { idleSchema } from "../src/core/config.js";

export const idle = idleSchema.parse({});

export function product(over: Partial<ProductCard> = {}): ProductCard {
  return {
    id: 7,
    slug: "hot-thing",
    name: "Hot Thing",
    description: "A hot thing",
    category: "Gadgets",
    imageUrl: "/img/p/hot-thing.svg",
    priceMinor: 1999,
    currency: "USD",
    stockLeft: 5,
    inCheckout: 0,
    sold: 0,
    initialStock: 5,
    saleState: "on_sale",
    paused: false,
    saleStartsAt: "2026-11-25T10:00:00.000Z",
    saleEndsAt: null,
    capacity: 2,
    checkoutTtlSec: 120,
    ...over,
  };
}

export function ticket(over: Partial<TicketStatus> = {}): TicketStatus {
  return {
    ticket: "v1.ticket-abcdefghijkl",
    productId: 7,
    seq: 3,
    state: "WAITING",
    ahead: 2,
    etaSec: 30,
    stockLeft: 5,
    admitted: 2,
    capacity: 2,
    expiresAt: null,
    orderId: null,
    version: "1",
    ...over,
  };
}

export function order(over: Partial<OrderView> = {}): OrderView {
  return {
    id: 42,
    productId: 7,
    productName: "Hot Thing",
    productSlug: "hot-thing",
    imageUrl: "/img/p/hot-thing.svg",
    ticketId: "7:3",
    amountMinor: 1999,
    currency: "USD",
    status: "PAID",
    paymentRef: "ch_0123456789abcdef",
    channel: "kiosk",
    kioskId: "8b3c1f2e-1111-4222-8333-944455556666",
    createdAt: "2026-11-25T12:00:00.000Z",
    ...over,
  };
}

export const CARD = { number: "4242424242424242", expMonth: 12, expYear: 2030, cvc: "123", name: "Kiosk shopper" };

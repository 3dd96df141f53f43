import type { Product } from "@quickdeal/db";
import type { PublishedSnapshot } from "@quickdeal/queue";
import { SignJWT } from "jose";
import { describe, expect, it } from "vitest";
import { readCookie, sessionCookie } from "./auth/cookies.js";
import { createSessionSigner } from "./auth/session.js";
import { toCard } from "./catalog/cards.js";
import { card } from "./inputs.js";
import { FakeGateway, GatewayError, TEST_CARDS } from "./payment/gateway.js";

const SECRET = "unit-test-secret-0123456789-abcdefghij";

describe("sessions", () => {
  it("round-trips claims and refuses other secrets, expired and tampered tokens", async () => {
    const signer = createSessionSigner(SECRET);
    const { token, session } = await signer.sign(
      { userId: "u1", role: "shopper", displayName: "Ann", channel: "web", kioskId: null },
      60,
    );
    expect(await signer.verify(token)).toEqual(session);
    expect(await createSessionSigner(`${SECRET}x`).verify(token)).toBeNull();
    expect(await signer.verify(`${token}x`)).toBeNull();
    const expired = await signer.sign({ userId: "u2", role: "admin", displayName: null, channel: "web", kioskId: null }, -10);
    expect(await signer.verify(expired.token)).toBeNull();
    // A token signed with the raw secret (not the derived session key) is not a session.
    const raw = await new SignJWT({ role: "admin", ch: "web" })
      .setProtectedHeader({ alg: "HS256" })
      .setSubject("x")
      .setExpirationTime("1h")
      .sign(new TextEncoder().encode(SECRET));
    expect(await signer.verify(raw)).toBeNull();
  });
});

describe("cookies", () => {
  it("reads one cookie among many and writes httpOnly SameSite=Lax", () => {
    expect(readCookie("a=1; qd_session=abc.def; b=2", "qd_session")).toBe("abc.def");
    expect(readCookie("qd_sessionx=1", "qd_session")).toBeUndefined();
    expect(readCookie(undefined, "qd_session")).toBeUndefined();
    expect(sessionCookie("t", { maxAgeSec: 10, secure: true })).toBe("qd_session=t; Path=/; HttpOnly; SameSite=Lax; Max-Age=10; Secure");
  });
});

describe("card input", () => {
  const ok = { number: "4242 4242 4242 4242", expMonth: 12, expYear: new Date().getUTCFullYear() + 1, cvc: "123", name: "A" };
  it("normalises the number and checks Luhn and expiry", () => {
    expect(card.parse(ok).number).toBe(TEST_CARDS.approve);
    expect(card.safeParse({ ...ok, number: "4242424242424241" }).success).toBe(false);
    expect(card.safeParse({ ...ok, expYear: new Date().getUTCFullYear() - 1 }).success).toBe(false);
  });
});

describe("fake gateway", () => {
  const req = (number: string, key: string) => ({
    amountMinor: 100,
    currency: "USD",
    card: { number, expMonth: 1, expYear: 2099, cvc: "123", name: "A" },
    idempotencyKey: key,
    description: "t",
  });
  it("is idempotent per key and records what moved", async () => {
    const g = new FakeGateway({ slowMs: 1 });
    const a = await g.charge(req(TEST_CARDS.approve, "k1"));
    expect(await g.charge(req(TEST_CARDS.approve, "k1"))).toEqual(a);
    expect((await g.charge(req(TEST_CARDS.decline, "k2"))).status).toBe("declined");
    await expect(g.charge(req(TEST_CARDS.processorError, "k3"))).rejects.toBeInstanceOf(GatewayError);
    expect(g.captured().map((c) => c.idempotencyKey)).toEqual(["k1", "k3"]);
    await g.void("k3");
    expect(g.captured().map((c) => c.idempotencyKey)).toEqual(["k1"]);
  });
});

describe("product cards", () => {
  const now = Date.parse("2026-11-25T12:00:00Z");
  const p = {
    id: 1,
    slug: "s",
    name: "n",
    description: "d",
    category: "c",
    imageUrl: "/i.svg",
    priceMinor: 100,
    currency: "USD",
    stock: 5,
    initialStock: 10,
    saleStartsAt: new Date(now - 1000),
    saleEndsAt: null,
    capacity: 2,
    checkoutTtlSec: 60,
    paused: false,
    createdAt: new Date(now - 5000),
  } satisfies Product;
  const room = { reservable: 0, admitted: 1, sold: 9, soldOut: false, paused: false } as PublishedSnapshot;

  it("takes live figures from the room when there is one", () => {
    expect(toCard(p, undefined, now)).toMatchObject({ stockLeft: 5, sold: 5, inCheckout: 0, saleState: "on_sale" });
    // Nothing reservable but a unit held: not sold out yet (it may come back).
    expect(toCard(p, room, now)).toMatchObject({ stockLeft: 0, sold: 9, inCheckout: 1, saleState: "on_sale" });
    expect(toCard(p, { ...room, admitted: 0, soldOut: true }, now).saleState).toBe("sold_out");
  });

  it("orders states like the database helper: ended, upcoming, sold out, on sale", () => {
    expect(toCard({ ...p, saleEndsAt: new Date(now) }, undefined, now).saleState).toBe("ended");
    expect(toCard({ ...p, saleStartsAt: new Date(now + 1), stock: 0 }, undefined, now).saleState).toBe("upcoming");
    expect(toCard({ ...p, stock: 0 }, undefined, now).saleState).toBe("sold_out");
  });
});

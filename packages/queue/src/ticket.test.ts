import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { signTicket, verifyTicket } from "./ticket.js";

const SECRET = "test-secret-0123456789-0123456789";

describe("tickets", () => {
  it("round-trips", () => {
    const ref = { productId: 7, seq: 123, userId: "1b4e28ba-2fa1-11d2-883f-0016d3cca427" };
    expect(verifyTicket(SECRET, signTicket(SECRET, ref))).toEqual(ref);
  });
  it("keeps what it signed, not the caller's object, for the ticket's later reads", () => {
    const ref = { productId: 7, seq: 125, userId: "user-3" };
    const t = signTicket(SECRET, ref);
    ref.seq = 1;
    ref.userId = "someone-else";
    expect(verifyTicket(SECRET, t)).toEqual({ productId: 7, seq: 125, userId: "user-3" });
    expect(() => verifyTicket("another-secret-0123456789-0123456789", t)).toThrow(/not valid/);
  });
  it("rejects any altered character, another secret, and junk", () => {
    const t = signTicket(SECRET, { productId: 7, seq: 123, userId: "user-1" });
    fc.assert(
      fc.property(fc.integer({ min: 0, max: t.length - 1 }), fc.constantFrom(..."0123456789abcdefxyzABC-_."), (i, ch) => {
        fc.pre(t[i] !== ch);
        const altered = t.slice(0, i) + ch + t.slice(i + 1);
        expect(() => verifyTicket(SECRET, altered)).toThrow(/not valid/);
      }),
    );
    expect(() => verifyTicket("another-secret-0123456789-0123456789", t)).toThrow();
    for (const junk of ["", "v1", "....", 42, null, "x".repeat(500)]) expect(() => verifyTicket(SECRET, junk)).toThrow();
  });
  it("rejects a mac written another way that decodes to the same bytes, even once the ticket is cached", () => {
    const t = signTicket(SECRET, { productId: 7, seq: 124, userId: "user-2" });
    expect(verifyTicket(SECRET, t).seq).toBe(124);
    // 16 bytes in 22 base64url characters: the last one has 4 spare bits.
    const ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    const mac = t.slice(t.lastIndexOf(".") + 1);
    const i = ALPHABET.indexOf(mac.at(-1) ?? "");
    const variant = `${t.slice(0, -1)}${ALPHABET[i ^ 1]}`;
    expect(Buffer.from(variant.slice(variant.lastIndexOf(".") + 1), "base64url")).toEqual(Buffer.from(mac, "base64url"));
    expect(() => verifyTicket(SECRET, variant)).toThrow(/not valid/);
    expect(() => verifyTicket(SECRET, `${t.slice(0, -1)}\u0100`)).toThrow(/not valid/);
    // The cache answers only for the secret that verified the ticket.
    expect(() => verifyTicket("another-secret-0123456789-0123456789", t)).toThrow(/not valid/);
    const ref = verifyTicket(SECRET, t);
    ref.seq = 1;
    expect(verifyTicket(SECRET, t).seq).toBe(124);
  });
});

import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { signTicket, verifyTicket } from "./ticket.js";

const SECRET = "test-secret-0123456789-0123456789";

describe("tickets", () => {
  it("round-trips", () => {
    const ref = { productId: 7, seq: 123, userId: "1b4e28ba-2fa1-11d2-883f-0016d3cca427" };
    expect(verifyTicket(SECRET, signTicket(SECRET, ref))).toEqual(ref);
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
});

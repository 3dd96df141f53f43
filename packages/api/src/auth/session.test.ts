import { createHmac } from "node:crypto";
import { generateKeyPair, jwtVerify, SignJWT } from "jose";
import { afterEach, describe, expect, it, vi } from "vitest";
import { createSessionSigner, type SessionClaims } from "./session.js";

const SECRET = "unit-test-secret-0123456789-abcdefghij";
// The derived session key, as session.ts derives it: what another JOSE library would be given.
const KEY = createHmac("sha256", SECRET).update("quickdeal/session/v1").digest();
const SHOPPER: SessionClaims = { userId: "u1", role: "shopper", displayName: "Ann", channel: "web", kioskId: null };

const b64 = (v: unknown) => Buffer.from(JSON.stringify(v)).toString("base64url");
const part = (token: string, i: number) => token.split(".")[i] ?? "";
const claimsOf = (token: string) => JSON.parse(Buffer.from(part(token, 1), "base64url").toString()) as Record<string, unknown>;
const hs256 = (signingInput: string) => createHmac("sha256", KEY).update(signingInput).digest("base64url");

/** A token signed by jose with the session key: the claims we issue, overridable. */
function joseToken(over: { aud?: string; iss?: string; exp?: number; nbf?: number; alg?: string } = {}) {
  const now = Math.floor(Date.now() / 1000);
  const jwt = new SignJWT({ role: "shopper", name: "Ann", ch: "web", kid: null })
    .setProtectedHeader({ alg: over.alg ?? "HS256", typ: "JWT" })
    .setSubject("u1")
    .setIssuer(over.iss ?? "quickdeal")
    .setAudience(over.aud ?? "quickdeal-api")
    .setIssuedAt()
    .setExpirationTime(over.exp ?? now + 60);
  if (over.nbf !== undefined) jwt.setNotBefore(over.nbf);
  return jwt.sign(KEY);
}

afterEach(() => {
  vi.useRealTimers();
});

describe("session tokens", () => {
  it("are standard HS256 JWTs that jose verifies with the session key", async () => {
    const { token, session } = await createSessionSigner(SECRET).sign(SHOPPER, 60);
    const { payload, protectedHeader } = await jwtVerify(token, KEY, {
      algorithms: ["HS256"],
      issuer: "quickdeal",
      audience: "quickdeal-api",
    });
    expect(protectedHeader).toEqual({ alg: "HS256", typ: "JWT" });
    expect(payload).toMatchObject({ sub: "u1", role: "shopper", name: "Ann", ch: "web", kid: null, exp: session.expiresAt });
    expect(typeof payload.iat).toBe("number");
  });

  it("accepts tokens that jose signed with the session key", async () => {
    const signer = createSessionSigner(SECRET);
    expect(signer.check(await joseToken())).toMatchObject({ userId: "u1", role: "shopper", displayName: "Ann", kioskId: null });
  });

  it("refuses another secret, a tampered payload or signature, and a non-canonical signature", async () => {
    const signer = createSessionSigner(SECRET);
    const { token } = await signer.sign(SHOPPER, 60);
    expect(createSessionSigner(`${SECRET}x`).check(token)).toBeNull();

    const forged = `${part(token, 0)}.${b64({ ...claimsOf(token), role: "admin" })}.${part(token, 2)}`;
    expect(signer.check(forged)).toBeNull();

    const sig = part(token, 2);
    const flipped = `${sig.slice(0, 10)}${sig[10] === "A" ? "B" : "A"}${sig.slice(11)}`;
    expect(signer.check(`${part(token, 0)}.${part(token, 1)}.${flipped}`)).toBeNull();
    // The last of 43 characters carries 2 spare bits: a variant decodes to the same bytes.
    const ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    const variant = ALPHABET[ALPHABET.indexOf(sig.at(-1) ?? "") + 1];
    expect(Buffer.from(sig.slice(0, -1) + variant, "base64url").equals(Buffer.from(sig, "base64url"))).toBe(true);
    expect(signer.check(`${part(token, 0)}.${part(token, 1)}.${sig.slice(0, -1)}${variant}`)).toBeNull();

    // A character whose low byte is a valid one ("Ł" is U+0141, "A" is 0x41).
    const wide = `${sig.slice(0, 5)}${String.fromCharCode(0x100 + sig.charCodeAt(5))}${sig.slice(6)}`;
    expect(signer.check(`${part(token, 0)}.${part(token, 1)}.${wide}`)).toBeNull();
    expect(signer.check(`${token}.x`)).toBeNull();
    expect(signer.check(`${token}x`)).toBeNull();
    expect(signer.check("not-a-token")).toBeNull();
    expect(signer.check("")).toBeNull();
    // Still good after all that (nothing above poisoned the cache).
    expect(signer.check(token)?.userId).toBe("u1");
  });

  it("refuses expired and not-yet-valid tokens, and cached ones once they expire", async () => {
    const signer = createSessionSigner(SECRET);
    expect(signer.check((await signer.sign(SHOPPER, -10)).token)).toBeNull();
    const now = Math.floor(Date.now() / 1000);
    expect(signer.check(await joseToken({ exp: now }))).toBeNull();
    expect(signer.check(await joseToken({ nbf: now + 600 }))).toBeNull();

    vi.useFakeTimers({ now: Date.now() });
    const { token } = await signer.sign(SHOPPER, 5);
    expect(signer.check(token)).not.toBeNull();
    expect(signer.check(token)).not.toBeNull(); // from the cache
    vi.advanceTimersByTime(6_000);
    expect(signer.check(token)).toBeNull();
  });

  it("refuses alg none, RS256 and an HMAC under an RS256 header", async () => {
    const signer = createSessionSigner(SECRET);
    const { token } = await signer.sign(SHOPPER, 60);
    const payload = part(token, 1);

    expect(signer.check(`${b64({ alg: "none", typ: "JWT" })}.${payload}.`)).toBeNull();
    const noneInput = `${b64({ alg: "none", typ: "JWT" })}.${payload}`;
    expect(signer.check(`${noneInput}.${hs256(noneInput)}`)).toBeNull();

    const { privateKey } = await generateKeyPair("RS256");
    const rs = await new SignJWT(claimsOf(token)).setProtectedHeader({ alg: "RS256", typ: "JWT" }).sign(privateKey);
    expect(signer.check(rs)).toBeNull();
    // Key confusion: a valid HMAC with our key, but the header claims another algorithm.
    const confused = `${b64({ alg: "RS256", typ: "JWT" })}.${payload}`;
    expect(signer.check(`${confused}.${hs256(confused)}`)).toBeNull();
    // Header we do not understand (crit) or another type.
    const crit = `${b64({ alg: "HS256", crit: ["exp"], exp: 1 })}.${payload}`;
    expect(signer.check(`${crit}.${hs256(crit)}`)).toBeNull();
    const typ = `${b64({ alg: "HS256", typ: "at+jwt" })}.${payload}`;
    expect(signer.check(`${typ}.${hs256(typ)}`)).toBeNull();
    // The same claims under a differently written HS256 header are fine (it is signed).
    const plain = `${b64({ alg: "HS256" })}.${payload}`;
    expect(signer.check(`${plain}.${hs256(plain)}`)?.userId).toBe("u1");
  });

  it("refuses another audience or issuer, and claims outside the session schema", async () => {
    const signer = createSessionSigner(SECRET);
    expect(signer.check(await joseToken({ aud: "someone-else" }))).toBeNull();
    expect(signer.check(await joseToken({ iss: "someone-else" }))).toBeNull();
    const { token } = await signer.sign(SHOPPER, 60);
    const badRole = `${part(token, 0)}.${b64({ ...claimsOf(token), role: "root" })}`;
    expect(signer.check(`${badRole}.${hs256(badRole)}`)).toBeNull();
    const noExp = `${part(token, 0)}.${b64({ ...claimsOf(token), exp: undefined })}`;
    expect(signer.check(`${noExp}.${hs256(noExp)}`)).toBeNull();
    const arrayAud = `${part(token, 0)}.${b64({ ...claimsOf(token), aud: ["x", "quickdeal-api"] })}`;
    expect(signer.check(`${arrayAud}.${hs256(arrayAud)}`)?.userId).toBe("u1");
  });

  it("verify() is the same check behind a promise", async () => {
    const signer = createSessionSigner(SECRET);
    const { token, session } = await signer.sign(SHOPPER, 60);
    expect(await signer.verify(token)).toEqual(session);
    expect(await signer.verify(`${token}x`)).toBeNull();
    // Another process (nothing cached from signing) verifies it from scratch.
    expect(createSessionSigner(SECRET).check(token)).toEqual(session);
  });
});

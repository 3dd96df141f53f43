import { createHmac, timingSafeEqual } from "node:crypto";
import { SignJWT } from "jose";
import { LRUCache } from "lru-cache";
import { z } from "zod";

/**
 * Sessions are stateless HS256 JWTs: a guest needs no database row, and verifying one costs
 * microseconds, so status polls stay cheap. Roles: shoppers and admins are people; `kiosk` is a
 * store device, which may only mint short-lived shopper sessions bound to itself.
 *
 * jose signs them (once per sign-in). Verifying, on every request, is a synchronous HMAC with
 * node:crypto: through jose, i.e. WebCrypto, every verify was an async crypto job costing ~130 µs
 * of CPU (bench profiles), about a third of a join. The checks mirror jose's `jwtVerify` for HS256
 * with issuer and audience, and session.test.ts holds them to jose in both directions.
 */
export type Role = "shopper" | "admin" | "kiosk";
export type Channel = "web" | "kiosk";

export interface Session {
  /** User id (shoppers, admins) or kiosk id (kiosk devices). */
  userId: string;
  role: Role;
  displayName: string | null;
  channel: Channel;
  /** The kiosk a shopper session was issued by, or the kiosk itself. */
  kioskId: string | null;
  /** Epoch seconds. */
  expiresAt: number;
}

export type SessionClaims = Omit<Session, "expiresAt">;

export const SESSION_TTL_SEC = {
  guest: 30 * 24 * 3600,
  admin: 8 * 3600,
  kiosk: 24 * 3600,
  kioskShopper: 15 * 60,
} as const;

const ISSUER = "quickdeal";
const AUDIENCE = "quickdeal-api";

const payloadSchema = z.object({
  sub: z.string().min(1).max(64),
  role: z.enum(["shopper", "admin", "kiosk"]),
  name: z.string().max(64).nullable().optional(),
  ch: z.enum(["web", "kiosk"]),
  kid: z.string().max(64).nullable().optional(),
  exp: z.number(),
});

export interface SessionSigner {
  sign(claims: SessionClaims, ttlSec: number): Promise<{ token: string; session: Session }>;
  /** The session, or null for a missing, expired, forged or malformed token. */
  verify(token: string): Promise<Session | null>;
  /** The same, synchronously (the request path: no promise job per call). */
  check(token: string): Session | null;
}

/** Tokens already verified, so a client polling every second pays for one HMAC, not one per poll. */
const CACHE_MAX = 100_000;

/** `{"alg":"HS256","typ":"JWT"}`, the protected header of every token we issue. */
const HEADER = Buffer.from(JSON.stringify({ alg: "HS256", typ: "JWT" })).toString("base64url");
/** An HS256 signature: 32 bytes, 43 base64url characters without padding. */
const SIG_LENGTH = 43;

function decodeJson(segment: string): Record<string, unknown> | null {
  try {
    const v: unknown = JSON.parse(Buffer.from(segment, "base64url").toString("utf8"));
    return v !== null && typeof v === "object" && !Array.isArray(v) ? (v as Record<string, unknown>) : null;
  } catch {
    return null;
  }
}

/** What jose's `jwtVerify` with `algorithms: ["HS256"]`, issuer and audience checks accepts. */
function acceptableHeader(segment: string): boolean {
  if (segment === HEADER) return true;
  const h = decodeJson(segment);
  // `crit` names extensions we would have to understand: refuse, as RFC 7515 asks.
  return h !== null && h.alg === "HS256" && (h.typ === undefined || h.typ === "JWT") && h.crit === undefined;
}

export function createSessionSigner(secret: string): SessionSigner {
  // A key derived for sessions only: the same AUTH_SECRET also signs tickets.
  const key = createHmac("sha256", secret).update("quickdeal/session/v1").digest();
  const mac = (signingInput: string) => createHmac("sha256", key).update(signingInput).digest("base64url");
  // Imported once: given raw bytes, jose imports a WebCrypto key on every call.
  const signingKey = crypto.subtle.importKey("raw", key, { name: "HMAC", hash: "SHA-256" }, false, ["sign"]);
  const cache = new LRUCache<string, Session>({ max: CACHE_MAX });

  function check(token: string): Session | null {
    if (token.length > 2048) return null;
    const now = Date.now() / 1000;
    const hit = cache.get(token);
    if (hit) {
      if (hit.expiresAt > now) return hit;
      cache.delete(token);
      return null;
    }
    const dot1 = token.indexOf(".");
    const dot2 = token.indexOf(".", dot1 + 1);
    if (dot1 <= 0 || dot2 < 0 || token.indexOf(".", dot2 + 1) !== -1) return null;
    if (!acceptableHeader(token.slice(0, dot1))) return null;
    // Compare the canonical encodings, not decoded bytes: base64url decoding ignores stray
    // characters and the last character's spare bits, so decoded bytes would accept variants.
    const given = Buffer.from(token.slice(dot2 + 1));
    if (given.length !== SIG_LENGTH) return null;
    if (!timingSafeEqual(given, Buffer.from(mac(token.slice(0, dot2))))) return null;

    const claims = decodeJson(token.slice(dot1 + 1, dot2));
    if (!claims || claims.iss !== ISSUER) return null;
    const aud = claims.aud;
    if (aud !== AUDIENCE && !(Array.isArray(aud) && aud.includes(AUDIENCE))) return null;
    // Same rules as jose: expired at `exp` itself, not valid before `nbf`.
    if (typeof claims.exp !== "number" || claims.exp <= now) return null;
    if (claims.nbf !== undefined && (typeof claims.nbf !== "number" || claims.nbf > now)) return null;
    if (claims.iat !== undefined && typeof claims.iat !== "number") return null;
    const p = payloadSchema.safeParse(claims);
    if (!p.success) return null;
    const session: Session = {
      userId: p.data.sub,
      role: p.data.role,
      displayName: p.data.name ?? null,
      channel: p.data.ch,
      kioskId: p.data.kid ?? null,
      expiresAt: p.data.exp,
    };
    cache.set(token, session);
    return session;
  }

  return {
    async sign(claims, ttlSec) {
      const iat = Math.floor(Date.now() / 1000);
      const expiresAt = iat + ttlSec;
      // Issued by jose (once per sign-in); only the per-request verify is done by hand, above.
      const token = await new SignJWT({
        role: claims.role,
        name: claims.displayName,
        ch: claims.channel,
        kid: claims.kioskId,
      })
        .setProtectedHeader({ alg: "HS256", typ: "JWT" })
        .setSubject(claims.userId)
        .setIssuer(ISSUER)
        .setAudience(AUDIENCE)
        .setIssuedAt(iat)
        .setExpirationTime(expiresAt)
        .sign(await signingKey);
      const session: Session = { ...claims, expiresAt };
      // The process that signed a token in usually serves its next request too: skip its verify.
      if (ttlSec > 0) cache.set(token, { ...session });
      return { token, session };
    },
    async verify(token) {
      return check(token);
    },
    check,
  };
}

import { createHmac } from "node:crypto";
import { errors as joseErrors, jwtVerify, SignJWT } from "jose";
import { z } from "zod";

/**
 * Sessions are stateless HS256 JWTs: a guest needs no database row, and verifying one costs
 * microseconds, so status polls stay cheap. Roles: shoppers and admins are people; `kiosk` is a
 * store device, which may only mint short-lived shopper sessions bound to itself.
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
}

/** Tokens already verified, so a client polling every second pays for one HMAC, not one per poll. */
const CACHE_MAX = 100_000;

export function createSessionSigner(secret: string): SessionSigner {
  // A key derived for sessions only: the same AUTH_SECRET also signs tickets.
  const raw = createHmac("sha256", secret).update("quickdeal/session/v1").digest();
  // Imported once: handing jose raw bytes makes it import a WebCrypto key on every call, which was
  // a large share of a sign-in's and a first request's CPU in the bench profiles.
  const keyPromise = crypto.subtle.importKey("raw", raw, { name: "HMAC", hash: "SHA-256" }, false, ["sign", "verify"]);
  const cache = new Map<string, Session>();

  return {
    async sign(claims, ttlSec) {
      const expiresAt = Math.floor(Date.now() / 1000) + ttlSec;
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
        .setIssuedAt()
        .setExpirationTime(expiresAt)
        .sign(await keyPromise);
      return { token, session: { ...claims, expiresAt } };
    },

    async verify(token) {
      if (token.length > 2048) return null;
      const now = Date.now() / 1000;
      const hit = cache.get(token);
      if (hit) {
        if (hit.expiresAt > now) return hit;
        cache.delete(token);
        return null;
      }
      try {
        const { payload } = await jwtVerify(token, await keyPromise, {
          algorithms: ["HS256"],
          issuer: ISSUER,
          audience: AUDIENCE,
        });
        const p = payloadSchema.safeParse(payload);
        if (!p.success) return null;
        const session: Session = {
          userId: p.data.sub,
          role: p.data.role,
          displayName: p.data.name ?? null,
          channel: p.data.ch,
          kioskId: p.data.kid ?? null,
          expiresAt: p.data.exp,
        };
        if (cache.size >= CACHE_MAX) {
          // Drop the oldest tenth (Map keeps insertion order) rather than everything: a crowd bigger
          // than the cache would otherwise re-verify every token after each clear.
          let drop = CACHE_MAX / 10;
          for (const k of cache.keys()) {
            cache.delete(k);
            if (--drop <= 0) break;
          }
        }
        cache.set(token, session);
        return session;
      } catch (err) {
        if (err instanceof joseErrors.JOSEError) return null;
        throw err;
      }
    },
  };
}

import type { Context } from "../context.js";
import { assertTrustedOrigin } from "./authenticate.js";
import { clearSessionCookie, sessionCookie } from "./cookies.js";
import type { Session, SessionClaims } from "./session.js";

/** Browsers get an httpOnly cookie; kiosks and API clients get the token in the body. */
export type Transport = "cookie" | "bearer";

export interface SessionUser {
  id: string;
  role: Session["role"];
  displayName: string | null;
  channel: Session["channel"];
  kioskId: string | null;
  expiresAt: string;
}

export interface SignedIn {
  user: SessionUser;
  /** Only for bearer clients: a browser's token stays in its httpOnly cookie. */
  token: string | null;
}

export function sessionUser(s: Session): SessionUser {
  return {
    id: s.userId,
    role: s.role,
    displayName: s.displayName,
    channel: s.channel,
    kioskId: s.kioskId,
    expiresAt: new Date(s.expiresAt * 1000).toISOString(),
  };
}

export async function issueSession(ctx: Context, claims: SessionClaims, ttlSec: number, transport: Transport): Promise<SignedIn> {
  // Login CSRF: a foreign page must not plant its session in our cookie jar.
  if (transport === "cookie") assertTrustedOrigin(ctx, { required: false });
  const { token, session } = await ctx.services.sessions.sign(claims, ttlSec);
  if (transport === "cookie") {
    ctx.req.setCookie(sessionCookie(token, { maxAgeSec: ttlSec, secure: ctx.services.config.secureCookies }));
    return { user: sessionUser(session), token: null };
  }
  return { user: sessionUser(session), token };
}

export function clearSession(ctx: Context): void {
  ctx.req.setCookie(clearSessionCookie(ctx.services.config.secureCookies));
}

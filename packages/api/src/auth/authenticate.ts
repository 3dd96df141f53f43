import { TRPCError } from "@trpc/server";
import type { Authenticated, Context } from "../context.js";
import { readCookie, SESSION_COOKIE } from "./cookies.js";

/**
 * The caller's session from `Authorization: Bearer` (kiosks, API clients), a `token` connection
 * param (EventSource cannot send headers) or the `qd_session` cookie (browsers), decoded once per
 * request and only when a procedure needs it.
 */
export function authenticate(ctx: Context): Promise<Authenticated | null> {
  ctx.auth ??= Promise.resolve(resolve(ctx));
  return ctx.auth;
}

// Synchronous: verifying is a cached lookup or one HMAC, so no promise job per step.
function resolve(ctx: Context): Authenticated | null {
  const { sessions } = ctx.services;
  const authz = ctx.req.header("authorization");
  if (authz) {
    const m = /^Bearer\s+(\S+)$/i.exec(authz);
    if (!m?.[1]) return null;
    const session = sessions.check(m[1]);
    return session ? { session, via: "bearer" } : null;
  }
  const param = ctx.req.connectionParams?.token;
  if (param) {
    const session = sessions.check(param);
    return session ? { session, via: "bearer" } : null;
  }
  const token = readCookie(ctx.req.header("cookie"), SESSION_COOKIE);
  if (!token) return null;
  const session = sessions.check(token);
  return session ? { session, via: "cookie" } : null;
}

/**
 * CSRF defence for cookie sessions, on top of SameSite=Lax: a browser always sends Origin on a
 * POST, and a cross-site page cannot forge it. Same-origin requests and the configured web
 * origins pass; a missing or foreign Origin does not.
 */
export function assertTrustedOrigin(ctx: Context, opts: { required: boolean }): void {
  const origin = ctx.req.header("origin");
  if (!origin) {
    if (!opts.required) return;
    throw new TRPCError({
      code: "FORBIDDEN",
      message: "This request needs an Origin header (cross-site request protection).",
    });
  }
  if (isTrustedOrigin(ctx, origin)) return;
  throw new TRPCError({
    code: "FORBIDDEN",
    message: "Requests from this site are not allowed (cross-site request protection).",
  });
}

function isTrustedOrigin(ctx: Context, origin: string): boolean {
  const normalized = origin.replace(/\/$/, "");
  if (ctx.services.config.allowedOrigins.includes(normalized)) return true;
  const host = ctx.req.header("host");
  if (!host) return false;
  try {
    return new URL(normalized).host === host;
  } catch {
    return false;
  }
}

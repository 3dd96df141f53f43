import { randomUUID } from "node:crypto";
import { user } from "@quickdeal/db";
import { TRPCError } from "@trpc/server";
import { and, eq } from "drizzle-orm";
import type { Authenticated, Context } from "../context.js";
import { authenticate } from "./authenticate.js";
import { issueSession, type SignedIn, sessionUser, type Transport } from "./issue.js";
import { checkSecret } from "./password.js";
import { SESSION_TTL_SEC, type Session } from "./session.js";


/**
 * Guest sign-in: a server-issued id, no database row. Calling it again with a valid browser session
 * keeps that identity (a second tab must not lose its place in line).
 */
export async function guestSignIn(
  ctx: Context,
  input: { displayName?: string | undefined; transport: Transport },
): Promise<SignedIn> {
  await ctx.services.limits.consume([["signInPerIp", ctx.req.ip]]);
  if (input.transport === "cookie") {
    const current = await authenticate(ctx);
    if (current?.via === "cookie" && current.session.role === "shopper") {
      if (input.displayName === undefined || input.displayName === current.session.displayName) {
        return { user: sessionUser(current.session), token: null };
      }
      return rename(ctx, current, input.displayName);
    }
  }
  return issueSession(
    ctx,
    { userId: randomUUID(), role: "shopper", displayName: input.displayName ?? null, channel: "web", kioskId: null },
    SESSION_TTL_SEC.guest,
    input.transport,
  );
}

/** Operator sign-in with the seeded (hashed) password. */
export async function adminLogin(
  ctx: Context,
  input: { email: string; password: string; transport: Transport },
): Promise<SignedIn> {
  const email = input.email.toLowerCase();
  await ctx.services.limits.consume([
    ["signInPerIp", ctx.req.ip],
    ["signInPerIp", `email:${email}`],
  ]);
  const [row] = await ctx.services.db
    .select()
    .from(user)
    .where(and(eq(user.email, email), eq(user.role, "admin")))
    .limit(1);
  const ok = await checkSecret(input.password, row?.passwordHash);
  if (!row || !ok) throw new TRPCError({ code: "UNAUTHORIZED", message: "Wrong email or password." });
  return issueSession(
    ctx,
    { userId: row.id, role: "admin", displayName: row.displayName, channel: "web", kioskId: null },
    SESSION_TTL_SEC.admin,
    input.transport,
  );
}

/** Re-issues the caller's session with a new display name (same identity, same expiry). */
export async function rename(ctx: Context, auth: Authenticated, displayName: string): Promise<SignedIn> {
  const s: Session = auth.session;
  if (s.role === "admin") {
    await ctx.services.db.update(user).set({ displayName }).where(eq(user.id, s.userId));
  }
  const ttl = Math.max(60, s.expiresAt - Math.floor(Date.now() / 1000));
  return issueSession(
    ctx,
    { userId: s.userId, role: s.role, displayName, channel: s.channel, kioskId: s.kioskId },
    ttl,
    auth.via === "cookie" ? "cookie" : "bearer",
  );
}

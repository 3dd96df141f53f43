import { randomBytes, randomUUID } from "node:crypto";
import { type Database, kiosk } from "@quickdeal/db";
import { TRPCError } from "@trpc/server";
import { desc, eq } from "drizzle-orm";
import { issueSession, type SignedIn } from "../auth/issue.js";
import { checkSecret, hashPassword } from "../auth/password.js";
import { SESSION_TTL_SEC, type Session } from "../auth/session.js";
import type { Context } from "../context.js";

export interface KioskInfo {
  id: string;
  store: string;
  name: string;
  active: boolean;
  createdAt: string;
}

function info(row: typeof kiosk.$inferSelect): KioskInfo {
  return { id: row.id, store: row.store, name: row.name, active: row.active, createdAt: row.createdAt.toISOString() };
}


/** A new kiosk and its key; the key is shown once and only its hash is stored. */
export async function registerKiosk(db: Database, input: { store: string; name: string }): Promise<{ kiosk: KioskInfo; key: string }> {
  const id = randomUUID();
  const key = `qdk_${randomBytes(24).toString("base64url")}`;
  await db.insert(kiosk).values({ id, store: input.store, name: input.name, keyHash: await hashPassword(key) });
  const [row] = await db.select().from(kiosk).where(eq(kiosk.id, id));
  if (!row) throw new Error("kiosk vanished right after insert");
  return { kiosk: info(row), key };
}

export async function listKiosks(db: Database): Promise<KioskInfo[]> {
  const rows = await db.select().from(kiosk).orderBy(desc(kiosk.createdAt)).limit(500);
  return rows.map(info);
}

export async function revokeKiosk(db: Database, id: string): Promise<KioskInfo> {
  await db.update(kiosk).set({ active: false }).where(eq(kiosk.id, id));
  const [row] = await db.select().from(kiosk).where(eq(kiosk.id, id));
  if (!row) throw new TRPCError({ code: "NOT_FOUND", message: "No such kiosk." });
  return info(row);
}

async function activeKiosk(db: Database, id: string) {
  const [row] = await db.select().from(kiosk).where(eq(kiosk.id, id)).limit(1);
  return row?.active ? row : null;
}

/** A kiosk device signs in with its id and key; it gets a bearer token (devices have no cookies to protect). */
export async function kioskSignIn(ctx: Context, input: { kioskId: string; key: string }): Promise<SignedIn & { kiosk: KioskInfo }> {
  await ctx.services.limits.consume([
    ["signInPerIp", ctx.req.ip],
    ["signInPerIp", `kiosk:${input.kioskId}`],
  ]);
  const row = await activeKiosk(ctx.services.db, input.kioskId);
  const ok = await checkSecret(input.key, row?.keyHash);
  if (!row || !ok) throw new TRPCError({ code: "UNAUTHORIZED", message: "Unknown kiosk, wrong key, or the kiosk was revoked." });
  const signed = await issueSession(
    ctx,
    { userId: row.id, role: "kiosk", displayName: row.name, channel: "kiosk", kioskId: row.id },
    SESSION_TTL_SEC.kiosk,
    "bearer",
  );
  return { ...signed, kiosk: info(row) };
}

/** A fresh, short-lived shopper identity for the person standing at the kiosk. */
export async function kioskShopperSession(
  ctx: Context,
  device: Session,
  displayName: string | undefined,
  renew?: string,
): Promise<SignedIn> {
  // Revocation takes effect for new shoppers at once (the device token itself lives on until expiry).
  const row = await activeKiosk(ctx.services.db, device.userId);
  if (!row) throw new TRPCError({ code: "UNAUTHORIZED", message: "This kiosk was revoked." });
  let userId: string = randomUUID();
  let name = displayName ?? null;
  if (renew !== undefined) {
    // The same shopper stays at the kiosk (a long line): keep their identity, so their place is kept.
    const current = await ctx.services.sessions.verify(renew);
    if (current?.role !== "shopper" || current.channel !== "kiosk" || current.kioskId !== row.id) {
      throw new TRPCError({ code: "UNAUTHORIZED", message: "That shopper session expired or belongs to another kiosk; start a new one." });
    }
    userId = current.userId;
    name = displayName ?? current.displayName ?? null;
  }
  return issueSession(
    ctx,
    { userId, role: "shopper", displayName: name, channel: "kiosk", kioskId: row.id },
    SESSION_TTL_SEC.kioskShopper,
    "bearer",
  );
}

export async function kioskInfo(db: Database, id: string): Promise<KioskInfo> {
  const [row] = await db.select().from(kiosk).where(eq(kiosk.id, id)).limit(1);
  if (!row) throw new TRPCError({ code: "NOT_FOUND", message: "No such kiosk." });
  return info(row);
}

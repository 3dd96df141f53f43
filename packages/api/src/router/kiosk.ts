import type { TRPCRouterRecord } from "@trpc/server";
import { z } from "zod";
import { displayName } from "../inputs.js";
import { kioskInfo, kioskShopperSession, kioskSignIn } from "../kiosk/devices.js";
import { kioskProcedure, publicProcedure } from "../trpc.js";

export const kioskRouter = {
  /** A store device signs in with the id and key an operator registered; answers a bearer token. */
  signIn: publicProcedure
    .input(z.object({ kioskId: z.uuid("must be a kiosk id"), key: z.string().min(16, "is too short").max(200) }))
    .mutation(({ ctx, input }) => kioskSignIn(ctx, input)),

  me: kioskProcedure.query(({ ctx }) => kioskInfo(ctx.services.db, ctx.session.userId)),

  /**
   * A short-lived shopper session for the person at the kiosk, bound to this kiosk. Passing the
   * current shopper token as `renew` extends it with the same identity (their place in line stays).
   */
  shopperSession: kioskProcedure
    .input(z.object({ displayName: displayName.optional(), renew: z.string().min(16).max(4096).optional() }).optional())
    .mutation(({ ctx, input }) => kioskShopperSession(ctx, ctx.session, input?.displayName, input?.renew)),
} satisfies TRPCRouterRecord;

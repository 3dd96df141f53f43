import { type TRPCRouterRecord, TRPCError } from "@trpc/server";
import { z } from "zod";
import { cursor, id } from "../inputs.js";
import { orderById, ordersOf } from "../payment/orders.js";
import { shopperProcedure } from "../trpc.js";

export const ordersRouter = {
  /** The caller's orders, newest first. */
  mine: shopperProcedure
    .input(z.object({ cursor, limit: z.int().min(1).max(100).default(20) }).optional())
    .query(({ ctx, input }) =>
      ordersOf(ctx.services.db, ctx.session.userId, { cursor: input?.cursor ?? null, limit: input?.limit ?? 20 }),
    ),

  /** One of the caller's orders (operators may read any); someone else's order looks missing. */
  byId: shopperProcedure.input(z.object({ id })).query(async ({ ctx, input }) => {
    const owner = ctx.session.role === "admin" ? undefined : ctx.session.userId;
    const o = await orderById(ctx.services.db, input.id, owner);
    if (!o) throw new TRPCError({ code: "NOT_FOUND", message: "No such order." });
    return o;
  }),
} satisfies TRPCRouterRecord;

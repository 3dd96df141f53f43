import { type TRPCRouterRecord, TRPCError } from "@trpc/server";
import { z } from "zod";
import { listProducts, productCard } from "../catalog/cards.js";
import { cursor, productId, slug } from "../inputs.js";
import { publicProcedure } from "../trpc.js";

export const catalogRouter = {
  /** One page of products in a stable order, with live stock and sale state. */
  list: publicProcedure
    .input(
      z
        .object({
          cursor,
          limit: z.int().min(1, "must be at least 1").max(60, "must be at most 60").default(24),
          category: z.string().trim().min(1).max(64).nullish(),
        })
        .optional(),
    )
    .query(({ ctx, input }) =>
      listProducts(ctx.services.products, ctx.services.queue.rooms, {
        cursor: input?.cursor ?? null,
        limit: input?.limit ?? 24,
        category: input?.category ?? null,
      }),
    ),

  byId: publicProcedure.input(z.object({ id: productId })).query(async ({ ctx, input }) => {
    const card = await productCard(ctx.services.products, ctx.services.queue.rooms, { id: input.id });
    if (!card) throw new TRPCError({ code: "NOT_FOUND", message: "This product does not exist." });
    return card;
  }),

  bySlug: publicProcedure.input(z.object({ slug })).query(async ({ ctx, input }) => {
    const card = await productCard(ctx.services.products, ctx.services.queue.rooms, { slug: input.slug });
    if (!card) throw new TRPCError({ code: "NOT_FOUND", message: "This product does not exist." });
    return card;
  }),

  categories: publicProcedure.query(({ ctx }) => ctx.services.products.categories()),
} satisfies TRPCRouterRecord;

import { type TRPCRouterRecord, TRPCError } from "@trpc/server";
import { z } from "zod";
import {
  createProduct,
  createScenario,
  getAdminProduct,
  listAdminProducts,
  setPaused,
  updateProduct,
} from "../admin/products.js";
import { roomStats } from "../admin/rooms.js";
import { viaQueue } from "../errors.js";
import { cursor, id, productFields, productId } from "../inputs.js";
import { listKiosks, registerKiosk, revokeKiosk } from "../kiosk/devices.js";
import { adminProcedure } from "../trpc.js";

const productInput = z.object({
  ...productFields,
  description: productFields.description.default(""),
  currency: productFields.currency.default("USD"),
  saleEndsAt: productFields.saleEndsAt.default(null),
});

const productPatch = z
  .object({ ...productFields, paused: z.boolean() })
  .partial()
  .refine((p) => Object.keys(p).length > 0, "nothing to change");

const room = z.object({ productId });

export const adminRouter = {
  products: {
    list: adminProcedure
      .input(z.object({ cursor, limit: z.int().min(1).max(200).default(50) }).optional())
      .query(({ ctx, input }) => listAdminProducts(ctx.services, { cursor: input?.cursor ?? null, limit: input?.limit ?? 50 })),
    byId: adminProcedure.input(z.object({ id })).query(({ ctx, input }) => getAdminProduct(ctx.services, input.id)),
    create: adminProcedure.input(productInput).mutation(({ ctx, input }) => createProduct(ctx.services, input)),
    update: adminProcedure
      .input(z.object({ id, patch: productPatch }))
      .mutation(({ ctx, input }) => updateProduct(ctx.services, input.id, input.patch)),
  },

  rooms: {
    /** Live figures: waiting, admitted, sold, admission rate and ETA to sell-out. */
    stats: adminProcedure.input(room).query(async ({ ctx, input }) => {
      const stats = await viaQueue(() => roomStats(ctx.services, input.productId));
      if (!stats) throw new TRPCError({ code: "NOT_FOUND", message: "This product has no waiting room yet." });
      return stats;
    }),
    /** About ten minutes of per-second figures for the charts. */
    series: adminProcedure
      .input(z.object({ productId, sinceMs: z.int().min(0).optional() }))
      .query(({ ctx, input }) => ctx.services.series.of(input.productId, input.sinceMs ?? 0)),
    pause: adminProcedure.input(room).mutation(({ ctx, input }) => setPaused(ctx.services, input.productId, true)),
    resume: adminProcedure.input(room).mutation(({ ctx, input }) => setPaused(ctx.services, input.productId, false)),
    /** Rebuilds the room's Redis counters from MySQL (after a Redis loss or a failed release). */
    reconcile: adminProcedure
      .input(room)
      .mutation(({ ctx, input }) => viaQueue(() => ctx.services.queue.admin.reconcile(input.productId))),
  },

  kiosks: {
    list: adminProcedure.query(({ ctx }) => listKiosks(ctx.services.db)),
    /** Returns the kiosk's key once; only its hash is stored. */
    register: adminProcedure
      .input(z.object({ store: z.string().trim().min(1).max(128), name: z.string().trim().min(1).max(128) }))
      .mutation(({ ctx, input }) => registerKiosk(ctx.services.db, input)),
    revoke: adminProcedure
      .input(z.object({ id: z.uuid("must be a kiosk id") }))
      .mutation(({ ctx, input }) => revokeKiosk(ctx.services.db, input.id)),
  },

  /** QA: a product on sale now with the given stock, capacity and TTL, in one call. */
  scenario: adminProcedure
    .input(
      z.object({
        name: productFields.name.optional(),
        stock: productFields.stock,
        capacity: productFields.capacity,
        checkoutTtlSec: productFields.checkoutTtlSec,
        priceMinor: productFields.priceMinor.default(1999),
        startsInSec: z.int().min(0).max(7 * 24 * 3600).default(0),
        durationSec: z.int().min(60).max(30 * 24 * 3600).nullable().default(null),
      }),
    )
    .mutation(({ ctx, input }) => createScenario(ctx.services, input)),
} satisfies TRPCRouterRecord;

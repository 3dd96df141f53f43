import { type TRPCRouterRecord, tracked } from "@trpc/server";
import { z } from "zod";
import { asTRPCError, viaQueue } from "../errors.js";
import { productId, ticket } from "../inputs.js";
import { shopperProcedure } from "../trpc.js";

/** Thin wrappers over @quickdeal/queue: the line itself lives in Redis and Kafka. */
export const queueRouter = {
  /** Takes a place in line (a second join returns the same ticket); answers once Kafka has it. */
  join: shopperProcedure.input(z.object({ productId })).mutation(({ ctx, input }) => {
    const { userId } = ctx.session;
    // The per-IP limit rides in the join script: one Redis call per join (decisions.md §13).
    return viaQueue(() =>
      ctx.services.limits.join(userId, ctx.req.ip, input.productId, (limit) =>
        ctx.services.queue.join(userId, input.productId, Date.now(), limit),
      ),
    );
  }),

  /** For polling clients; `watch` is the push version. */
  status: shopperProcedure
    .input(z.object({ ticket }))
    .query(({ ctx, input }) => viaQueue(() => ctx.services.queue.status(input.ticket, ctx.session.userId))),

  /** The caller's ticket for a product, if any (another tab or device finds its place). */
  mine: shopperProcedure
    .input(z.object({ productId }))
    .query(({ ctx, input }) => viaQueue(() => ctx.services.queue.mine(ctx.session.userId, input.productId))),

  /**
   * Server-sent events: the ticket's status now and on every change, until a final state.
   * Event ids are status versions, so a reconnect with `lastEventId` skips what the client has.
   */
  watch: shopperProcedure
    .input(z.object({ ticket, lastEventId: z.string().max(200).nullish() }))
    .subscription(async function* ({ ctx, input, signal }) {
      const { queue } = ctx.services;
      try {
        // Refuse a foreign or forged ticket before the stream starts.
        queue.verify(input.ticket, ctx.session.userId);
        let skip = input.lastEventId ?? null;
        for await (const status of queue.watch(input.ticket, ctx.session.userId, signal)) {
          if (skip !== null && status.version === skip) {
            skip = null;
            continue;
          }
          skip = null;
          yield tracked(status.version, status);
        }
      } catch (err) {
        throw asTRPCError(err);
      }
    }),

  leave: shopperProcedure
    .input(z.object({ ticket }))
    .mutation(({ ctx, input }) => viaQueue(() => ctx.services.queue.leave(input.ticket, ctx.session.userId))),

  /** Keeps a waiting ticket alive for clients that neither poll nor watch. */
  heartbeat: shopperProcedure.input(z.object({ ticket })).mutation(async ({ ctx, input }) => {
    await viaQueue(() => ctx.services.queue.heartbeat(input.ticket, ctx.session.userId));
    return { ok: true as const };
  }),
} satisfies TRPCRouterRecord;

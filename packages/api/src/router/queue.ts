import { type TRPCRouterRecord, type TrackedEnvelope, tracked } from "@trpc/server";
import type { Queue, TicketStatus } from "@quickdeal/queue";
import { z } from "zod";
import { asTRPCError, viaQueue } from "../errors.js";
import { productId, ticket } from "../inputs.js";
import { PUSH, type PushSource } from "../push-source.js";
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
    .subscription(({ ctx, input, signal }) =>
      watchStream(ctx.services.queue, input.ticket, ctx.session.userId, input.lastEventId ?? null, signal),
    ),

  leave: shopperProcedure
    .input(z.object({ ticket }))
    .mutation(({ ctx, input }) => viaQueue(() => ctx.services.queue.leave(input.ticket, ctx.session.userId))),

  /** Keeps a waiting ticket alive for clients that neither poll nor watch. */
  heartbeat: shopperProcedure.input(z.object({ ticket })).mutation(async ({ ctx, input }) => {
    await viaQueue(() => ctx.services.queue.heartbeat(input.ticket, ctx.session.userId));
    return { ok: true as const };
  }),
} satisfies TRPCRouterRecord;

type WatchEvent = TrackedEnvelope<TicketStatus>;

/**
 * queue.watch's stream: the ticket's statuses as `tracked(version, status)`, skipping the one the
 * client already has (`lastEventId`). Iterated by tRPC's adapters and callers; pushed by the lean
 * SSE writer (push-source.ts). A forged or foreign ticket fails the stream before its first event.
 */
function watchStream(queue: Queue, ticket: string, userId: string, lastEventId: string | null, signal: AbortSignal | undefined): PushSource<WatchEvent> {
  return {
    async *[Symbol.asyncIterator]() {
      try {
        const seen = alreadySeen(lastEventId);
        for await (const status of queue.watch(ticket, userId, signal)) {
          if (!seen(status)) yield tracked(status.version, status);
        }
      } catch (err) {
        throw asTRPCError(err);
      }
    },
    [PUSH](sink) {
      const seen = alreadySeen(lastEventId);
      try {
        return queue.follow(ticket, userId, {
          next: (status) => seen(status) || sink.next(tracked(status.version, status)),
          done: () => sink.done(),
          fail: (err) => sink.fail(asTRPCError(err)),
        });
      } catch (err) {
        sink.fail(asTRPCError(err));
        return { resume() {}, stop() {} };
      }
    },
  };
}

/** True for the first status only, when it is the one the client already has (its lastEventId). */
function alreadySeen(lastEventId: string | null): (status: TicketStatus) => boolean {
  let skip = lastEventId;
  return (status) => {
    const seen = skip !== null && status.version === skip;
    skip = null;
    return seen;
  };
}

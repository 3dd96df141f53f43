import type { TRPCRouterRecord } from "@trpc/server";
import { z } from "zod";
import { TEST_CARDS } from "../payment/gateway.js";
import { checkout } from "../payment/checkout.js";
import { card, idempotencyKey, ticket } from "../inputs.js";
import { publicProcedure, shopperProcedure } from "../trpc.js";

export const paymentRouter = {
  /** Pays for the unit an ADMITTED ticket holds; a repeated submit returns the same order. */
  checkout: shopperProcedure
    .input(z.object({ ticket, card, idempotencyKey }))
    .mutation(async ({ ctx, input }) => {
      const { services: s, session } = ctx;
      await s.limits.consume([
        ["checkoutPerUser", session.userId],
        ["checkoutPerIp", ctx.req.ip],
      ]);
      return checkout(
        {
          db: s.db,
          orders: s.orders,
          products: s.products,
          queue: s.queue,
          gateway: s.gateway,
          log: s.log.child({ reqId: ctx.requestId }),
          metrics: s.metrics.api,
          waitForOtherMs: s.config.paymentSlowMs + 5_000,
        },
        { userId: session.userId, channel: session.channel, kioskId: session.kioskId },
        input,
      );
    }),

  /** The fake gateway's documented test cards (for the checkout form's hint and for QA). */
  testCards: publicProcedure.query(() => [
    { number: TEST_CARDS.approve, outcome: "approved" },
    { number: TEST_CARDS.decline, outcome: "declined" },
    { number: TEST_CARDS.insufficientFunds, outcome: "declined (insufficient funds)" },
    { number: TEST_CARDS.processorError, outcome: "processor error (charge voided)" },
    { number: TEST_CARDS.slow, outcome: "approved after a delay" },
  ]),
} satisfies TRPCRouterRecord;

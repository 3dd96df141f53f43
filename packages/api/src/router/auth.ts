import type { TRPCRouterRecord } from "@trpc/server";
import { z } from "zod";
import { assertTrustedOrigin, authenticate } from "../auth/authenticate.js";
import { clearSession, sessionUser } from "../auth/issue.js";
import { adminLogin, guestSignIn, rename } from "../auth/sign-in.js";
import { displayName, transport } from "../inputs.js";
import { publicProcedure, shopperProcedure } from "../trpc.js";

export const authRouter = {
  /** Guest sign-in: a cookie for browsers (default), a token in the body with `transport: "bearer"`. */
  guest: publicProcedure
    .input(z.object({ displayName: displayName.optional(), transport }).optional())
    .mutation(({ ctx, input }) =>
      guestSignIn(ctx, { displayName: input?.displayName, transport: input?.transport ?? "cookie" }),
    ),

  /** The caller's session, or null when signed out. */
  me: publicProcedure.query(async ({ ctx }) => {
    const auth = await authenticate(ctx);
    return auth ? sessionUser(auth.session) : null;
  }),

  /** Operator sign-in. */
  login: publicProcedure
    .input(
      z.object({
        email: z.email("must be an email address").max(255),
        password: z.string().min(1, "cannot be empty").max(200),
        transport,
      }),
    )
    .mutation(({ ctx, input }) => adminLogin(ctx, input)),

  /** Clears the browser's session cookie (bearer clients just drop their token). */
  logout: publicProcedure.mutation(({ ctx }) => {
    assertTrustedOrigin(ctx, { required: false });
    clearSession(ctx);
    return { ok: true as const };
  }),

  setName: shopperProcedure
    .input(z.object({ displayName }))
    .mutation(({ ctx, input }) => rename(ctx, { session: ctx.session, via: ctx.sessionVia }, input.displayName)),
} satisfies TRPCRouterRecord;

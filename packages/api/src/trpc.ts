/**
 * tRPC setup: context type, error shape, SSE settings and the four kinds of procedure.
 * Only root.ts builds the router; domain routers are plain objects.
 */
import { initTRPC, TRPCError } from "@trpc/server";
import { ZodError, z } from "zod";
import { assertTrustedOrigin, authenticate } from "./auth/authenticate.js";
import type { Role, Session } from "./auth/session.js";
import type { Context } from "./context.js";
import { reasonOf } from "./errors.js";

export type { Context } from "./context.js";

const INTERNAL_MESSAGE = "Something went wrong on our side. Please try again in a moment.";

function describeZodError(err: ZodError): string {
  const parts = err.issues.slice(0, 5).map((i) => (i.path.length ? `${i.path.join(".")}: ${i.message}` : i.message));
  return `Invalid input: ${parts.join("; ")}`;
}

const t = initTRPC.context<Context>().create({
  // Never ship stack traces, whatever NODE_ENV says.
  isDev: false,
  errorFormatter({ shape, error, ctx }) {
    const zodError = error.cause instanceof ZodError ? error.cause : null;
    const { reason, retryAfterSec } = reasonOf(error.cause);
    let message = shape.message;
    if (error.code === "INTERNAL_SERVER_ERROR") message = INTERNAL_MESSAGE;
    else if (zodError) message = describeZodError(zodError);
    const { stack: _stack, ...data } = shape.data;
    return {
      ...shape,
      message,
      data: {
        ...data,
        requestId: ctx?.requestId ?? null,
        reason,
        retryAfterSec,
        zodError: zodError ? z.flattenError(zodError) : null,
      },
    };
  },
  sse: {
    ping: { enabled: true, intervalMs: 10_000 },
    // Bound a stream's life so proxies and load balancers rebalance; clients resume by lastEventId.
    maxDurationMs: 10 * 60_000,
    client: { reconnectAfterInactivityMs: 25_000 },
  },
});

export const createTRPCRouter = t.router;
export const createCallerFactory = t.createCallerFactory;
export const middleware = t.middleware;

/** Metrics for every call, and a log line only for failures we did not mean (no per-call logs). */
const observed = t.procedure.use(async ({ ctx, path, type, next }) => {
  const started = performance.now();
  const result = await next();
  const { metrics, log } = ctx.services;
  metrics.api.duration.observe({ path }, (performance.now() - started) / 1000);
  metrics.api.calls.inc({ path, code: result.ok ? "OK" : result.error.code });
  if (!result.ok) {
    if (result.error.code === "INTERNAL_SERVER_ERROR") {
      log.error({ reqId: ctx.requestId, path, type, err: result.error.cause ?? result.error }, "procedure failed");
    } else if (result.error.code === "TOO_MANY_REQUESTS") {
      metrics.api.rateLimited.inc({ path });
    }
  }
  return result;
});

function requireRole(roles: readonly Role[]) {
  return t.middleware(async ({ ctx, type, next }) => {
    const auth = await authenticate(ctx);
    if (!auth) throw new TRPCError({ code: "UNAUTHORIZED", message: "Please sign in first." });
    if (!roles.includes(auth.session.role)) {
      throw new TRPCError({ code: "FORBIDDEN", message: "You are not allowed to do this." });
    }
    if (auth.via === "cookie" && type === "mutation") assertTrustedOrigin(ctx, { required: true });
    const session: Session = auth.session;
    return next({ ctx: { session, sessionVia: auth.via } });
  });
}

/** Anyone; no session is decoded. */
export const publicProcedure = observed;
/** A signed-in person (guest shopper or admin) acting for themselves. */
export const shopperProcedure = observed.use(requireRole(["shopper", "admin"]));
/** Operators. */
export const adminProcedure = observed.use(requireRole(["admin"]));
/** An in-store kiosk device (signed in with its key). */
export const kioskProcedure = observed.use(requireRole(["kiosk"]));

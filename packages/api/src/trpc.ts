/**
 * tRPC setup: context type, error shape, SSE settings and the four kinds of procedure.
 * Only root.ts builds the router; domain routers are plain objects.
 */
import { getTRPCErrorFromUnknown, initTRPC, TRPCError } from "@trpc/server";
import { ZodError, z } from "zod";
import { assertTrustedOrigin, authenticate } from "./auth/authenticate.js";
import type { Role, Session } from "./auth/session.js";
import type { Authenticated, Context } from "./context.js";
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

/**
 * Metrics for every call, and a log line only for failures we did not mean (no per-call logs).
 * Each tRPC middleware level costs several object spreads per call (the largest tRPC item in the
 * request profiles), so protected procedures do this and the role check in one middleware.
 */
function observe(
  ctx: Context,
  path: string,
  type: string,
  started: number,
  result: { ok: true } | { ok: false; error: TRPCError },
): void {
  const { metrics, log } = ctx.services;
  metrics.api.observeCall(path, result.ok ? "OK" : result.error.code, (performance.now() - started) / 1000);
  if (!result.ok && result.error.code === "INTERNAL_SERVER_ERROR") {
    log.error({ reqId: ctx.requestId, path, type, err: result.error.cause ?? result.error }, "procedure failed");
  }
}

const observed = t.procedure.use(async ({ ctx, path, type, next }) => {
  const started = performance.now();
  const result = await next();
  observe(ctx, path, type, started, result);
  return result;
});

function requireRole(roles: readonly Role[]) {
  return t.procedure.use(async ({ ctx, path, type, next }) => {
    const started = performance.now();
    let session: Session;
    let via: Authenticated["via"];
    try {
      const auth = await authenticate(ctx);
      if (!auth) throw new TRPCError({ code: "UNAUTHORIZED", message: "Please sign in first." });
      if (!roles.includes(auth.session.role)) {
        throw new TRPCError({ code: "FORBIDDEN", message: "You are not allowed to do this." });
      }
      if (auth.via === "cookie" && type === "mutation") assertTrustedOrigin(ctx, { required: true });
      session = auth.session;
      via = auth.via;
    } catch (err) {
      observe(ctx, path, type, started, { ok: false, error: getTRPCErrorFromUnknown(err) });
      throw err;
    }
    const result = await next({ ctx: { session, sessionVia: via } });
    observe(ctx, path, type, started, result);
    return result;
  });
}

/** Anyone; no session is decoded. */
export const publicProcedure = observed;
/** A signed-in person (guest shopper or admin) acting for themselves. */
export const shopperProcedure = requireRole(["shopper", "admin"]);
/** Operators. */
export const adminProcedure = requireRole(["admin"]);
/** An in-store kiosk device (signed in with its key). */
export const kioskProcedure = requireRole(["kiosk"]);

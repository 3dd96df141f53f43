import { QueueError, type QueueErrorCode } from "@quickdeal/queue";
import { TRPCError } from "@trpc/server";

type TRPCCode = TRPCError["code"];

/**
 * A failure with a machine-readable reason for clients (`error.data.reason`), carried as the
 * TRPCError's cause. The message is for people.
 */
export class ReasonError extends Error {
  override readonly name = "ReasonError";
  constructor(
    readonly reason: string,
    message: string,
    readonly retryAfterMs?: number,
  ) {
    super(message);
  }
}

export function fail(code: TRPCCode, reason: string, message: string, retryAfterMs?: number): TRPCError {
  return new TRPCError({ code, message, cause: new ReasonError(reason, message, retryAfterMs) });
}

const QUEUE_CODES: Record<QueueErrorCode, TRPCCode> = {
  NOT_FOUND: "NOT_FOUND",
  SALE_NOT_STARTED: "PRECONDITION_FAILED",
  SALE_ENDED: "PRECONDITION_FAILED",
  SOLD_OUT: "PRECONDITION_FAILED",
  // Forged tickets and other people's tickets look the same on purpose.
  BAD_TICKET: "FORBIDDEN",
  NOT_ADMITTED: "PRECONDITION_FAILED",
  EXPIRED: "PRECONDITION_FAILED",
  ALREADY_PAYING: "CONFLICT",
  ALREADY_PURCHASED: "CONFLICT",
  RATE_LIMITED: "TOO_MANY_REQUESTS",
  UNAVAILABLE: "SERVICE_UNAVAILABLE",
};

/** Queue errors become TRPCErrors with the queue's human message; anything else passes through. */
export function asTRPCError(err: unknown): unknown {
  if (err instanceof QueueError) {
    return new TRPCError({ code: QUEUE_CODES[err.code] ?? "INTERNAL_SERVER_ERROR", message: err.message, cause: err });
  }
  return err;
}

/** Runs a queue call, translating its errors. */
export async function viaQueue<T>(fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (err) {
    throw asTRPCError(err);
  }
}

/** The reason and retry hint of an error, for the error formatter. */
export function reasonOf(cause: unknown): { reason: string | null; retryAfterSec: number | null } {
  if (cause instanceof ReasonError) {
    return {
      reason: cause.reason,
      retryAfterSec: cause.retryAfterMs === undefined ? null : Math.max(1, Math.ceil(cause.retryAfterMs / 1000)),
    };
  }
  if (cause instanceof QueueError) {
    const ms = cause.retryAfterMs;
    return { reason: cause.code, retryAfterSec: ms !== undefined ? Math.max(1, Math.ceil(ms / 1000)) : cause.retryable ? 1 : null };
  }
  return { reason: null, retryAfterSec: null };
}

/** Failures of the waiting room, with a human message; the API maps `code` to a TRPCError code. */
export type QueueErrorCode =
  | "NOT_FOUND"
  | "SALE_NOT_STARTED"
  | "SALE_ENDED"
  | "SOLD_OUT"
  | "BAD_TICKET"
  | "NOT_ADMITTED"
  | "EXPIRED"
  | "ALREADY_PAYING"
  | "ALREADY_PURCHASED"
  | "RATE_LIMITED"
  | "UNAVAILABLE";

export class QueueError extends Error {
  override readonly name = "QueueError";
  constructor(
    readonly code: QueueErrorCode,
    message: string,
    readonly retryable = code === "UNAVAILABLE",
    /** When a retry can succeed (a rate limit's window end), if known. */
    readonly retryAfterMs?: number,
  ) {
    super(message);
  }
}

/** Lua scripts return small negative integers for failures; this is the one table that maps them. */
const LUA_ERRORS: Record<number, [QueueErrorCode, string]> = {
  [-1]: ["NOT_FOUND", "This product has no waiting room."],
  [-2]: ["SALE_NOT_STARTED", "The sale has not started yet."],
  [-3]: ["SALE_ENDED", "The sale has ended."],
  [-4]: ["SOLD_OUT", "Sold out: every unit has been sold."],
  [-5]: ["BAD_TICKET", "This ticket is not valid for this waiting room."],
  [-6]: ["NOT_ADMITTED", "You have not been admitted to checkout yet."],
  [-7]: ["EXPIRED", "Your checkout time ran out and the unit went to the next shopper."],
  [-8]: ["ALREADY_PAYING", "A payment for this ticket is already in progress."],
  [-9]: ["ALREADY_PURCHASED", "You already bought this product."],
};

export function luaError(code: number): QueueError {
  const [c, message] = LUA_ERRORS[code] ?? ["UNAVAILABLE", `Unexpected waiting-room result ${code}.`];
  return new QueueError(c, message);
}

/** The join script's "rate limited" answer, `{-10, ms until the window ends}` (see join-n.lua). */
export const LUA_RATE_LIMITED = -10;

/** What a shopper is told when a rate limit refuses them (the API's own limits say the same). */
export function rateLimitMessage(waitMs: number): string {
  const sec = Math.max(1, Math.ceil(waitMs / 1000));
  return `Too many attempts. Please wait ${sec} second${sec === 1 ? "" : "s"} and try again.`;
}

/** A refusal by the join script's rate limit. */
export function rateLimited(waitMs: number): QueueError {
  return new QueueError("RATE_LIMITED", rateLimitMessage(waitMs), false, waitMs);
}

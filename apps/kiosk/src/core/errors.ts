import { TRPCClientError } from "@trpc/client";

/**
 * What the kiosk needs to know about a failure: whether to retry, re-authenticate, or tell the
 * shopper. `message` is always fit to show on screen.
 */
export type FailureKind =
  | "offline" // no answer from the API (network, DNS, server down)
  | "unauthorized" // token missing, expired, or the kiosk was revoked
  | "declined" // the card was refused
  | "rejected" // the API said no for a reason the shopper can read (sold out, expired hold, bad input)
  | "busy" // rate limited or temporarily unavailable: try again shortly
  | "internal";

export class KioskError extends Error {
  override readonly name = "KioskError";
  constructor(
    readonly kind: FailureKind,
    message: string,
    /** The API's machine-readable reason (`error.data.reason`), e.g. CARD_DECLINED, SOLD_OUT. */
    readonly reason: string | null = null,
    readonly code: string | null = null,
  ) {
    super(message);
  }

  get retryable(): boolean {
    return this.kind === "offline" || this.kind === "busy";
  }
}

interface ErrorData {
  code?: unknown;
  reason?: unknown;
  httpStatus?: unknown;
}

const OFFLINE_MESSAGE = "The kiosk cannot reach the store's server right now.";

/** Turns anything thrown by the tRPC client (or our code) into a KioskError. */
export function toKioskError(err: unknown): KioskError {
  if (err instanceof KioskError) return err;
  if (err instanceof TRPCClientError) {
    const data = (err.data ?? null) as ErrorData | null;
    const code = typeof data?.code === "string" ? data.code : null;
    const reason = typeof data?.reason === "string" ? data.reason : null;
    if (!code) return new KioskError("offline", OFFLINE_MESSAGE);
    const message = err.message || "Something went wrong.";
    if (code === "UNAUTHORIZED") return new KioskError("unauthorized", message, reason, code);
    if (reason === "CARD_DECLINED" || reason === "INSUFFICIENT_FUNDS") return new KioskError("declined", message, reason, code);
    if (code === "TOO_MANY_REQUESTS" || code === "SERVICE_UNAVAILABLE" || code === "TIMEOUT" || reason === "PROCESSOR_ERROR")
      return new KioskError("busy", message, reason, code);
    if (code === "INTERNAL_SERVER_ERROR") return new KioskError("internal", message, reason, code);
    return new KioskError("rejected", message, reason, code);
  }
  if (err instanceof TypeError || (err instanceof Error && /fetch failed|ECONNREFUSED|network/i.test(err.message))) {
    return new KioskError("offline", OFFLINE_MESSAGE);
  }
  return new KioskError("internal", "Something went wrong on the kiosk.");
}

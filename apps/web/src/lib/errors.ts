import { TRPCClientError } from "@trpc/client";

/** A message fit to show a person, from anything a tRPC call may throw. */
export function errorMessage(err: unknown, fallback = "Something went wrong. Please try again."): string {
  if (err instanceof TRPCClientError) {
    const msg = typeof err.message === "string" ? err.message : "";
    if (msg && !msg.startsWith("Unexpected token") && !/fetch failed|Failed to fetch|NetworkError/i.test(msg)) return msg;
    return "We can't reach QuickDeal right now. Check your connection and try again.";
  }
  if (err instanceof Error && err.message) return err.message;
  return fallback;
}

/** The tRPC error code ("UNAUTHORIZED", "NOT_FOUND", …) or null. */
export function errorCode(err: unknown): string | null {
  if (err instanceof TRPCClientError) {
    const data = err.data as { code?: unknown } | undefined;
    return typeof data?.code === "string" ? data.code : null;
  }
  return null;
}

/** Field messages from the server's flattened zod error, when it sent one. */
export function fieldErrors(err: unknown): Record<string, string> {
  if (!(err instanceof TRPCClientError)) return {};
  const data = err.data as { zodError?: { fieldErrors?: Record<string, string[] | undefined> } | null } | undefined;
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(data?.zodError?.fieldErrors ?? {})) if (v?.[0]) out[k] = v[0];
  return out;
}

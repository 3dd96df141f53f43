import { randomUUID } from "node:crypto";
import type { IncomingMessage } from "node:http";

export const REQUEST_ID_HEADER = "x-request-id";

// A caller-given id is kept only if it is short and plain, so it cannot inject into headers or logs.
const VALID_ID = /^[\w.:@-]{1,128}$/;

/**
 * Returns the request's id: the caller's `x-request-id` when it looks sane, a new UUID otherwise.
 * The id is written back to `req.headers` so context factories and loggers read one value.
 */
export function assignRequestId(req: IncomingMessage): string {
  const given = req.headers[REQUEST_ID_HEADER];
  const id = typeof given === "string" && VALID_ID.test(given) ? given : randomUUID();
  req.headers[REQUEST_ID_HEADER] = id;
  return id;
}

/** The id `assignRequestId` gave this request (or the raw header if it never ran). */
export function requestIdOf(req: IncomingMessage): string | undefined {
  const id = req.headers[REQUEST_ID_HEADER];
  return typeof id === "string" ? id : undefined;
}

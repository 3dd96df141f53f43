import type { IncomingMessage, ServerResponse } from "node:http";

/**
 * The few places where node:http2's compatibility request/response (what an HTTP/2 request reaches
 * the handlers as, see protocols.ts) differ from node:http's in what the handlers read.
 */

type MaybeH2Response = ServerResponse & { stream?: { destroyed: boolean; closed: boolean } };

/** The response can no longer be written: the client left (HTTP/2: its stream was reset or closed). */
export function isGone(res: ServerResponse): boolean {
  return res.destroyed === true || (res as MaybeH2Response).stream?.destroyed === true;
}

/** The response's 'close' has already happened. */
export function isClosed(res: ServerResponse): boolean {
  return res.closed === true || (res as MaybeH2Response).stream?.closed === true;
}

/** HTTP/2 forbids connection-specific headers (`connection`, `keep-alive`, …). */
export function isHttp2(req: IncomingMessage): boolean {
  return req.httpVersionMajor === 2;
}

/** The Host header, which HTTP/2 sends as the `:authority` pseudo-header. */
export function hostOf(req: IncomingMessage): string | undefined {
  return req.headers.host ?? (req.headers[":authority"] as string | undefined);
}

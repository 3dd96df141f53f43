import type { IncomingMessage, OutgoingHttpHeaders, ServerResponse } from "node:http";

export interface CorsOptions {
  /** Exact origins (scheme://host[:port]) allowed to call with credentials. */
  origins: string[];
  /** How long a browser may cache a preflight answer. */
  maxAgeSec?: number;
}

export interface Cors {
  /** Adds the CORS headers for this request's origin (if allowed) to `into`. */
  apply(req: IncomingMessage, into: OutgoingHttpHeaders): void;
  /** Answers an OPTIONS request completely; `headers` already went through `apply`. */
  preflight(req: IncomingMessage, res: ServerResponse, headers: OutgoingHttpHeaders): void;
}

const ALLOWED_METHODS = "GET, POST, OPTIONS";
// Headers the tRPC links and our clients send; used when the preflight names none.
const DEFAULT_ALLOWED_HEADERS = "content-type, authorization, trpc-accept, x-request-id, last-event-id";

export function createCors(opts: CorsOptions): Cors {
  const allowed = new Set(opts.origins);
  const maxAge = String(opts.maxAgeSec ?? 600);
  return {
    apply(req, into) {
      // Every answer depends on Origin, also the ones without CORS headers, so caches must key on it.
      into.vary = "Origin";
      const origin = req.headers.origin;
      if (origin === undefined || !allowed.has(origin)) return;
      // Credentials forbid "*": echo the one allowed origin.
      into["access-control-allow-origin"] = origin;
      into["access-control-allow-credentials"] = "true";
      into["access-control-expose-headers"] = "x-request-id";
    },
    preflight(req, res, headers) {
      const isAllowed = headers["access-control-allow-origin"] !== undefined;
      if (!isAllowed) {
        // Not one of ours: no CORS headers, so the browser refuses the real request.
        res.writeHead(403, { ...headers, "content-length": 0 }).end();
        return;
      }
      const requested = req.headers["access-control-request-headers"];
      res
        .writeHead(204, {
          ...headers,
          vary: "Origin, Access-Control-Request-Headers",
          "access-control-allow-methods": ALLOWED_METHODS,
          "access-control-allow-headers": requested ?? DEFAULT_ALLOWED_HEADERS,
          "access-control-max-age": maxAge,
          "content-length": 0,
        })
        .end();
    },
  };
}

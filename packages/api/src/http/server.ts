import { type IncomingMessage, type Server, type ServerResponse, createServer } from "node:http";
import type { Http2ServerRequest, Http2ServerResponse } from "node:http2";
import { type TlsFiles, acceptHttp2, http2Of } from "./protocols.js";

export type RouteHandler = (req: IncomingMessage, res: ServerResponse) => void;

export interface ApiServerOptions {
  /** The tRPC handler (usually createLeanHandler), served under `basePath`. */
  handler: RouteHandler;
  /** Must match the handler's basePath. */
  basePath?: string;
  /** Exact paths served besides tRPC, e.g. `/metrics`, `/healthz`. */
  routes?: Record<string, RouteHandler>;
  /** How long an idle keep-alive connection is kept. */
  keepAliveTimeoutMs?: number;
  /**
   * HTTP/2 on the same port, for SSE streams sharing connections (see protocols.ts): without TLS
   * (h2c, prior knowledge), or by ALPN when `tls` is given. On unless `false`.
   */
  http2?: false | { maxConcurrentStreams?: number };
  /** Serve TLS only, with this certificate: HTTP/2 or HTTP/1.1 as the client's ALPN asks. */
  tls?: TlsFiles;
}

const NOT_FOUND_BODY = JSON.stringify({ error: { message: "Not found", code: "NOT_FOUND" } });

/**
 * A node:http server for the API process: `basePath` and below go to the tRPC handler, the extra
 * routes by exact path, everything else is a JSON 404. HTTP/2 connections on the same port
 * get the same routes.
 */
export function createApiServer(opts: ApiServerOptions): Server {
  const base = `/${(opts.basePath ?? "/api/trpc").replace(/^\/+|\/+$/g, "")}`;
  const prefix = `${base}/`;
  const routes = new Map(Object.entries(opts.routes ?? {}));
  const keepAliveTimeout = opts.keepAliveTimeoutMs ?? 65_000;

  const dispatch = (req: IncomingMessage, res: ServerResponse): void => {
    const url = req.url ?? "/";
    const q = url.indexOf("?");
    const pathname = q === -1 ? url : url.slice(0, q);
    if (pathname === base || pathname.startsWith(prefix)) {
      opts.handler(req, res);
      return;
    }
    const route = routes.get(pathname);
    if (route) {
      route(req, res);
      return;
    }
    res.writeHead(404, {
      "content-type": "application/json",
      "content-length": Buffer.byteLength(NOT_FOUND_BODY),
    });
    res.end(NOT_FOUND_BODY);
  };

  const server = createServer(
    {
      // Clients (and proxies) reuse connections across a sale; idle ones are cheap. Outlive a
      // typical 60 s proxy idle timeout so the proxy, not us, closes first and never hits a reset.
      keepAliveTimeout,
      // Slow-loris bounds: headers and the whole request must arrive quickly. They do not limit
      // how long a response (an SSE stream) may run.
      headersTimeout: 20_000,
      requestTimeout: 30_000,
      // TCP keep-alive probes find dead peers of long SSE streams.
      keepAlive: true,
      keepAliveInitialDelay: 30_000,
      noDelay: true,
    },
    dispatch,
  );
  if (opts.http2 !== false || opts.tls) {
    // The handlers use only what node:http2's compatibility objects share with node:http's
    // (compat.ts names the few differences they check).
    acceptHttp2(server, dispatch as unknown as (req: Http2ServerRequest, res: Http2ServerResponse) => void, {
      maxConcurrentStreams: opts.http2 ? opts.http2.maxConcurrentStreams : undefined,
      tls: opts.tls,
      http2: opts.http2 !== false,
      idleTimeoutMs: keepAliveTimeout,
      firstBytesTimeoutMs: 20_000,
    });
  }
  return server;
}

/** Starts listening and resolves with the bound port (pass 0 for an ephemeral one). */
export function listen(server: Server, port: number, host = "127.0.0.1"): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, host, () => {
      server.off("error", reject);
      const address = server.address();
      resolve(typeof address === "object" && address !== null ? address.port : port);
    });
  });
}

/**
 * Stops accepting, lets requests in flight finish, and after `graceMs` cuts what is left
 * (long SSE streams, which their clients resume with Last-Event-ID).
 */
export function closeServer(server: Server, graceMs = 10_000): Promise<void> {
  return new Promise((resolve) => {
    // Keep-alive connections that finish their request after close() stay open until their idle
    // timeout, so sweep idle ones until the server is empty.
    const h2 = http2Of(server);
    const sweeper = setInterval(() => server.closeIdleConnections(), 50);
    const timer = setTimeout(() => {
      server.closeAllConnections();
      h2?.destroy();
    }, graceMs);
    sweeper.unref();
    timer.unref();
    server.close(() => {
      clearInterval(sweeper);
      clearTimeout(timer);
      resolve();
    });
    server.closeIdleConnections();
    // GOAWAY: HTTP/2 clients open no new streams here; a connection closes when its last one ends.
    h2?.close();
  });
}

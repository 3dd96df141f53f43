import type { Server } from "node:http";
import {
  type Http2Server,
  type Http2ServerRequest,
  type Http2ServerResponse,
  type ServerHttp2Session,
  createServer as createH2Server,
} from "node:http2";
import type { Socket } from "node:net";
import { type SecureContext, TLSSocket, createSecureContext } from "node:tls";

/**
 * HTTP/2 on the same port as HTTP/1.1: over cleartext (h2c, "prior knowledge", RFC 9113 §3.3),
 * or, with a certificate, over TLS where ALPN picks h2 or http/1.1 (what browsers speak).
 *
 * Why: a waiting room's SSE streams are long and mostly idle. Over HTTP/1.1 each needs its own
 * connection, so one process holds at most as many watchers as it may open files, and every event
 * is a syscall of its own. Over HTTP/2 a proxy (Envoy, HAProxy, Caddy speak h2c upstream) or any
 * h2 client carries hundreds of streams on one connection, and the events a room's pass writes to
 * them leave in one socket write per connection.
 *
 * How: the first bytes of a new connection decide. The HTTP/2 preface goes to an `Http2Server`
 * that is never listened on; anything else goes to the node:http server unchanged, so HTTP/1.1
 * costs one extra read event per connection, not per request. With TLS every connection must
 * start with a TLS handshake (no plaintext beside it: session cookies must not travel in clear);
 * after it ALPN decides the same way.
 */

const PREFACE = Buffer.from("PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n");

export interface TlsFiles {
  /** PEM certificate chain. */
  cert: string | Buffer;
  /** PEM private key. */
  key: string | Buffer;
}

export interface ProtocolOptions {
  /** Streams one client may have open at once on a connection (SETTINGS_MAX_CONCURRENT_STREAMS). */
  maxConcurrentStreams?: number;
  /** A connection with no stream for this long is closed with GOAWAY. */
  idleTimeoutMs: number;
  /** A connection that sends nothing (or has not finished its TLS handshake) for this long is dropped. */
  firstBytesTimeoutMs: number;
  /** Serve TLS only, HTTP/2 or HTTP/1.1 by ALPN. */
  tls?: TlsFiles;
  /** False: HTTP/1.1 only (with `tls`, TLS without HTTP/2). */
  http2?: boolean;
}

export interface Http2Side {
  /** The HTTP/2 side (for tests and metrics). */
  readonly server: Http2Server;
  /** Live HTTP/2 connections. */
  readonly sessions: ReadonlySet<ServerHttp2Session>;
  /** GOAWAY to every connection: no new streams, the open ones may finish. */
  close(): void;
  /** Cuts every connection and its streams (clients resume with Last-Event-ID). */
  destroy(): void;
}

const attached = new WeakMap<Server, Http2Side>();

/** The HTTP/2 side attached to `server`, if any (closeServer uses it). */
export function http2Of(server: Server): Http2Side | undefined {
  return attached.get(server);
}

/**
 * Makes `server` also accept HTTP/2 connections (and, with `tls`, only TLS ones), served by the
 * same request listener through node:http2's compatibility API (Http2ServerRequest/Response have
 * the shape the handlers use).
 */
export function acceptHttp2(
  server: Server,
  onRequest: (req: Http2ServerRequest, res: Http2ServerResponse) => void,
  opts: ProtocolOptions,
): Http2Side {
  const h2 = createH2Server({ settings: { maxConcurrentStreams: opts.maxConcurrentStreams ?? 1000 } }, onRequest);
  const sessions = new Set<ServerHttp2Session>();
  h2.on("session", (session: ServerHttp2Session) => {
    sessions.add(session);
    session.once("close", () => sessions.delete(session));
    // Idle means no activity at all; an SSE stream's pings keep its connection busy.
    session.setTimeout(opts.idleTimeoutMs, () => session.close());
  });
  // The listener node:http installed: it sets up its parser, timeouts and connection tracking.
  const [h1Connection] = server.listeners("connection") as ((socket: Socket) => void)[];
  if (!h1Connection) throw new Error("acceptHttp2: the server has no connection listener");
  server.removeListener("connection", h1Connection);
  const alpn = opts.http2 === false ? ["http/1.1"] : ["h2", "http/1.1"];
  const secureContext = opts.tls ? createSecureContext({ cert: opts.tls.cert, key: opts.tls.key }) : undefined;
  server.on("connection", (socket: Socket) => {
    socket.setTimeout(opts.firstBytesTimeoutMs, () => socket.destroy());
    socket.on("error", noop);
    sniff(socket, Buffer.alloc(0));
  });

  function sniff(socket: Socket, seen: Buffer): void {
    const chunk = socket.read() as Buffer | null;
    if (chunk === null) {
      socket.once("readable", () => sniff(socket, seen));
      return;
    }
    const data = seen.length === 0 ? chunk : Buffer.concat([seen, chunk]);
    if (secureContext) {
      // A TLS record of type handshake (22) or nothing.
      if (data[0] !== 0x16) {
        socket.destroy();
        return;
      }
      socket.setTimeout(0);
      socket.removeListener("error", noop);
      socket.unshift(data);
      handshake(socket, secureContext);
      return;
    }
    const n = Math.min(data.length, PREFACE.length);
    const matches = opts.http2 !== false && data.subarray(0, n).equals(PREFACE.subarray(0, n));
    if (matches && n < PREFACE.length) {
      // A preface cut across reads: wait for the rest.
      socket.once("readable", () => sniff(socket, data));
      return;
    }
    socket.setTimeout(0);
    socket.removeListener("error", noop);
    socket.unshift(data);
    if (matches) h2.emit("connection", socket);
    else h1Connection?.call(server, socket);
  }

  /** TLS over the socket (node reads what was unshifted back into it), then ALPN decides. */
  function handshake(socket: Socket, context: SecureContext): void {
    const secure = new TLSSocket(socket, { isServer: true, secureContext: context, ALPNProtocols: alpn });
    // A handshake that does not finish in time, or fails, just closes the connection.
    const timer = setTimeout(() => secure.destroy(), opts.firstBytesTimeoutMs);
    const failed = () => secure.destroy();
    secure.on("error", failed);
    secure.once("close", () => clearTimeout(timer));
    secure.once("secure", () => {
      clearTimeout(timer);
      secure.removeListener("error", failed);
      // As tls.Server does before 'secureConnection'; node:http2 waits for a connecting socket.
      (secure as TLSSocket & { secureConnecting: boolean }).secureConnecting = false;
      if (secure.alpnProtocol === "h2" && opts.http2 !== false) h2.emit("connection", secure);
      else h1Connection?.call(server, secure);
    });
  }

  const side: Http2Side = {
    server: h2,
    sessions,
    close() {
      for (const session of sessions) session.close();
    },
    destroy() {
      for (const session of sessions) session.destroy();
    },
  };
  attached.set(server, side);
  return side;
}

function noop(): void {}

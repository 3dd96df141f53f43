import type { Server } from "node:http";
import {
  type Http2Server,
  type Http2ServerRequest,
  type Http2ServerResponse,
  type ServerHttp2Session,
  createServer as createH2Server,
} from "node:http2";
import type { Socket } from "node:net";

/**
 * HTTP/2 over cleartext (h2c, "prior knowledge", RFC 9113 §3.3) on the same port as HTTP/1.1.
 *
 * Why: a waiting room's SSE streams are long and mostly idle. Over HTTP/1.1 each needs its own
 * connection, so one process holds at most as many watchers as it may open files, and every event
 * is a syscall of its own. Over HTTP/2 a proxy (Envoy, HAProxy, Caddy speak h2c upstream) or any
 * h2 client carries hundreds of streams on one connection, and the events a room's pass writes to
 * them leave in one socket write per connection.
 *
 * How: the first bytes of a new connection decide. The HTTP/2 preface goes to an `Http2Server`
 * that is never listened on; anything else goes to the node:http server unchanged, so HTTP/1.1
 * costs one extra read event per connection, not per request.
 */

const PREFACE = Buffer.from("PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n");

export interface H2cOptions {
  /** Streams one client may have open at once on a connection (SETTINGS_MAX_CONCURRENT_STREAMS). */
  maxConcurrentStreams?: number;
  /** A connection with no stream for this long is closed with GOAWAY. */
  idleTimeoutMs: number;
  /** A connection that sends nothing for this long after connecting is dropped (slow loris). */
  firstBytesTimeoutMs: number;
}

export interface H2c {
  /** The HTTP/2 side (for tests and metrics). */
  readonly server: Http2Server;
  /** Live HTTP/2 connections. */
  readonly sessions: ReadonlySet<ServerHttp2Session>;
  /** GOAWAY to every connection: no new streams, the open ones may finish. */
  close(): void;
  /** Cuts every connection and its streams (clients resume with Last-Event-ID). */
  destroy(): void;
}

const attached = new WeakMap<Server, H2c>();

/** The h2c side attached to `server`, if any (closeServer uses it). */
export function h2cOf(server: Server): H2c | undefined {
  return attached.get(server);
}

/**
 * Makes `server` also accept h2c connections, served by the same request listener through
 * node:http2's compatibility API (Http2ServerRequest/Response have the shape the handlers use).
 */
export function acceptH2c(
  server: Server,
  onRequest: (req: Http2ServerRequest, res: Http2ServerResponse) => void,
  opts: H2cOptions,
): H2c {
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
  if (!h1Connection) throw new Error("acceptH2c: the server has no connection listener");
  server.removeListener("connection", h1Connection);
  server.on("connection", (socket: Socket) => sniff(socket, Buffer.alloc(0)));

  function sniff(socket: Socket, seen: Buffer): void {
    const chunk = socket.read() as Buffer | null;
    if (chunk === null) {
      if (seen.length === 0) {
        socket.setTimeout(opts.firstBytesTimeoutMs, () => socket.destroy());
        socket.on("error", noop);
      }
      socket.once("readable", () => sniff(socket, seen));
      return;
    }
    const data = seen.length === 0 ? chunk : Buffer.concat([seen, chunk]);
    const n = Math.min(data.length, PREFACE.length);
    const matches = data.subarray(0, n).equals(PREFACE.subarray(0, n));
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

  const h2c: H2c = {
    server: h2,
    sessions,
    close() {
      for (const session of sessions) session.close();
    },
    destroy() {
      for (const session of sessions) session.destroy();
    },
  };
  attached.set(server, h2c);
  return h2c;
}

function noop(): void {}

import { connect, type Socket } from "node:net";
import { HttpResponseDecoder, READ_BUFFER, type ResponseHandler } from "./http-response.js";

/** A failed call: the tRPC error code (or the network error's name) and, for our API, the reason. */
export class CallError extends Error {
  constructor(
    readonly code: string,
    readonly status: number,
    readonly reason: string | null,
    message: string,
  ) {
    super(message);
  }

  /** Worth another try with the same input (and the same idempotency key). */
  get retryable(): boolean {
    return this.status === 0 || this.status >= 500 || this.code === "TOO_MANY_REQUESTS";
  }
}

interface ErrorEnvelope {
  error?: { message?: string; data?: { code?: string; reason?: string | null } };
}

/** How one request ended: a network error (`code`, and its message as `text`) or the status and body text. */
export type Reply = (code: string | null, status: number, text: string) => void;

interface Job {
  /** The whole request: request line, headers and body. */
  wire: string;
  done: Reply;
}

export interface HttpClientOptions {
  /** Keep-alive connections at most (requests beyond wait in a queue, one request per connection at a time). */
  connections: number;
  /** Gives up on a request whose response has not fully arrived by then (connect included). */
  timeoutMs?: number;
}

/** An idle connection is dropped this long before the server's announced keep-alive timeout. */
const KEEP_ALIVE_MARGIN_MS = 1000;

/**
 * A minimal HTTP/1.1 keep-alive client for the load generators: up to `connections` plain sockets,
 * one request at a time on each, the request written as one string and the response (content-length,
 * chunked or until close) parsed in the socket's `onread` callback. The generators share the
 * server's cores, and undici's `Pool.request` (request objects, a Readable body, several promises per
 * call) cost them about twice the CPU per request the bare server spends answering it.
 */
export class HttpClient {
  private readonly host: string;
  private readonly port: number;
  private readonly hostHeader: string;
  private readonly max: number;
  private readonly timeoutMs: number;
  private readonly conns: Conn[] = [];
  /** Connections waiting for a request, the most recently used last. */
  private readonly idle: Conn[] = [];
  private readonly queue: Job[] = [];
  private readonly sweep: NodeJS.Timeout;
  private closing: (() => void) | null = null;
  private closed = false;

  constructor(origin: string, opts: HttpClientOptions) {
    const url = new URL(origin);
    if (url.protocol !== "http:") throw new Error(`HttpClient speaks plain http only, not ${url.protocol}`);
    this.host = url.hostname.replace(/^\[(.*)\]$/, "$1");
    this.port = Number(url.port || 80);
    this.hostHeader = url.host;
    this.max = Math.max(1, opts.connections);
    this.timeoutMs = opts.timeoutMs ?? 60_000;
    // One timer for all timeouts (no timer per request): late responses, stale idle connections.
    this.sweep = setInterval(() => this.check(), Math.min(1000, this.timeoutMs)).unref();
  }

  /**
   * Sends one request; `done` is called exactly once. `headers` are extra header lines, each ending
   * in CRLF (host and content-length are set here).
   */
  request(method: string, path: string, headers: string, body: string | undefined, done: Reply): void {
    if (this.closed) {
      done("CLOSED", 0, "client closed");
      return;
    }
    let wire = `${method} ${path} HTTP/1.1\r\nhost: ${this.hostHeader}\r\n${headers}`;
    if (body !== undefined) wire += `content-length: ${Buffer.byteLength(body)}\r\n\r\n${body}`;
    else if (method === "GET" || method === "HEAD") wire += "\r\n";
    else wire += "content-length: 0\r\n\r\n";
    const job = { wire, done };
    const conn = this.takeIdle();
    if (conn) conn.send(job);
    else if (this.conns.length < this.max) this.open(job);
    else this.queue.push(job);
  }

  /** Resolves once the requests sent or queued are answered and every connection is closed. */
  close(): Promise<void> {
    this.closed = true;
    clearInterval(this.sweep);
    for (const c of this.idle.splice(0)) c.destroy();
    if (this.conns.length === 0) return Promise.resolve();
    return new Promise((resolve) => {
      this.closing = resolve;
    });
  }

  /** Connections open (for tests). */
  get connectionCount(): number {
    return this.conns.length;
  }

  private takeIdle(): Conn | null {
    let c = this.idle.pop();
    while (c?.stale(Date.now())) {
      c.destroy();
      c = this.idle.pop();
    }
    return c ?? null;
  }

  private open(job: Job): void {
    const conn: Conn = new Conn(
      this,
      connect({
        host: this.host,
        port: this.port,
        noDelay: true,
        // Each read goes straight to the parser, in one buffer shared by all connections.
        onread: { buffer: READ_BUFFER, callback: (n: number, buf: Uint8Array): boolean => {
            conn.read((buf as Buffer).subarray(0, n));
            return true;
          },
        },
      }),
    );
    this.conns.push(conn);
    conn.send(job);
  }

  /** A connection finished its request and can take another. */
  released(conn: Conn): void {
    const job = this.queue.shift();
    if (job) conn.send(job);
    else if (this.closed) conn.destroy();
    else this.idle.push(conn);
  }

  /** A connection is gone (its request, if any, was already answered). */
  removed(conn: Conn): void {
    const i = this.conns.indexOf(conn);
    if (i === -1) return;
    this.conns.splice(i, 1);
    const k = this.idle.indexOf(conn);
    if (k !== -1) this.idle.splice(k, 1);
    // The queued requests get a connection of their own (each fails on its own if the server is gone).
    while (this.queue.length > 0 && this.conns.length < this.max) this.open(this.queue.shift() as Job);
    if (this.closing && this.conns.length === 0) this.closing();
  }

  private check(): void {
    const now = Date.now();
    for (const c of this.conns.slice()) {
      if (c.busySince !== 0 && now - c.busySince > this.timeoutMs) c.fail("TIMEOUT");
      else if (c.busySince === 0 && c.stale(now)) c.destroy();
    }
  }
}

/** One keep-alive connection and the parser of the response it is reading. */
class Conn implements ResponseHandler {
  private job: Job | null = null;
  /** When the current request was sent (0: idle). */
  busySince = 0;
  /** When the connection last became idle. */
  private idleSince = 0;
  /** How long the server keeps an idle connection (its `keep-alive: timeout=` hint). */
  private keepAliveMs = Number.POSITIVE_INFINITY;
  private gone = false;

  private readonly http: HttpResponseDecoder;
  private status = 0;
  /** The server closes the connection after this response. */
  private closeAfter = false;
  /** Body bytes so far (copies: the read buffer is reused), unless the whole body came in one read. */
  private parts: Buffer[] = [];
  private text: string | null = null;

  constructor(
    private readonly client: HttpClient,
    private readonly socket: Socket,
  ) {
    socket.on("end", () => this.eof());
    socket.on("error", (err: Error & { code?: string }) => this.fail(err.code ?? err.name ?? "NETWORK", err.message));
    socket.on("close", () => this.fail("SOCKET_CLOSED"));
    // The connection is its own response handler: method calls, no closures.
    this.http = new HttpResponseDecoder(this);
    // No request yet.
    this.http.stop();
  }

  send(job: Job): void {
    this.job = job;
    this.busySince = Date.now();
    this.http.reset();
    this.socket.write(job.wire);
  }

  /** Whether the server may already have dropped this idle connection. */
  stale(now: number): boolean {
    return now - this.idleSince > this.keepAliveMs - KEEP_ALIVE_MARGIN_MS;
  }

  destroy(): void {
    if (this.gone) return;
    this.gone = true;
    this.socket.destroy();
    this.client.removed(this);
  }

  /** Ends the request in flight with a network error, and the connection with it. */
  fail(code: string, message = code): void {
    const job = this.job;
    this.job = null;
    this.busySince = 0;
    this.http.stop();
    this.destroy();
    job?.done(code, 0, message);
  }

  private eof(): void {
    if (!this.http.eof()) this.fail("SOCKET_CLOSED");
  }

  read(b: Buffer): void {
    if (this.job === null) {
      // Bytes nobody asked for: the connection is out of step.
      this.fail("BAD_RESPONSE");
      return;
    }
    this.http.push(b);
  }

  /** Reads the headers the connection depends on (interim 1xx heads are skipped). */
  onHead(status: number, h: string): void {
    if (status < 200) return;
    this.status = status;
    this.closeAfter = h.startsWith("http/1.0") ? !/\r\nconnection:[^\r]*keep-alive/.test(h) : /\r\nconnection:[^\r]*close/.test(h);
    const ka = /\r\nkeep-alive:[^\r]*timeout=(\d+)/.exec(h);
    if (ka) this.keepAliveMs = Number(ka[1]) * 1000;
    this.parts.length = 0;
    this.text = null;
  }

  /** Keeps body bytes: as text when they are the whole body, else as a copy (the read buffer is reused). */
  onBody(b: Buffer, from: number, to: number, whole: boolean): void {
    if (whole) this.text = b.toString("utf8", from, to);
    else this.parts.push(Buffer.from(b.subarray(from, to)));
  }

  onComplete(reusable: boolean): void {
    // Anything after the response (or a body ended by close): drop the connection after.
    if (!reusable) this.closeAfter = true;
    this.complete();
  }

  onError(code: string): void {
    this.fail(code);
  }

  /** The response is complete: hand the connection back (or drop it), then answer. */
  private complete(): void {
    const job = this.job as Job;
    const text = this.text ?? (this.parts.length === 0 ? "" : this.parts.length === 1 ? (this.parts[0] as Buffer).toString() : Buffer.concat(this.parts).toString());
    this.parts.length = 0;
    this.text = null;
    this.job = null;
    this.busySince = 0;
    this.idleSince = Date.now();
    if (this.closeAfter) this.destroy();
    else this.client.released(this);
    job.done(null, this.status, text);
  }
}

/**
 * tRPC's HTTP wire format over keep-alive connections: GET `?input=<json>` for queries, a JSON
 * body for mutations, `{"result":{"data":…}}` back. Written out by hand (not @trpc/client) so
 * the load generator spends as little CPU per call as possible.
 */
export class TrpcHttp {
  readonly http: HttpClient;

  constructor(
    origin: string,
    connections: number,
    private readonly base = "/api/trpc",
  ) {
    this.http = new HttpClient(origin, { connections });
  }

  query<T>(path: string, input: unknown, token?: string): Promise<T> {
    const q = input === undefined ? "" : `?input=${encodeURIComponent(JSON.stringify(input))}`;
    return this.send<T>("GET", `${this.base}/${path}${q}`, undefined, token);
  }

  mutation<T>(path: string, input: unknown, token?: string): Promise<T> {
    return this.send<T>("POST", `${this.base}/${path}`, input === undefined ? undefined : JSON.stringify(input), token);
  }

  private send<T>(method: "GET" | "POST", path: string, body: string | undefined, token?: string): Promise<T> {
    let headers = token ? `authorization: Bearer ${token}\r\n` : "";
    if (body !== undefined) headers += "content-type: application/json\r\n";
    return new Promise<T>((resolve, reject) => {
      this.http.request(method, path, headers, body, (code, status, text) => {
        if (code !== null) reject(new CallError(code, 0, null, text));
        else if (status === 200) {
          try {
            resolve((JSON.parse(text) as { result: { data: T } }).result.data);
          } catch (err) {
            reject(err);
          }
        } else reject(errorOf(status, text));
      });
    });
  }

  close(): Promise<void> {
    return this.http.close();
  }
}

function errorOf(status: number, text: string): CallError {
  let env: ErrorEnvelope = {};
  try {
    env = JSON.parse(text) as ErrorEnvelope;
  } catch {
    // not JSON: keep the status only
  }
  return new CallError(env?.error?.data?.code ?? `HTTP_${status}`, status, env?.error?.data?.reason ?? null, env?.error?.message ?? text.slice(0, 200));
}

/** Times one call into a recorder-friendly outcome. */
export async function timed<T>(fn: () => Promise<T>): Promise<{ ok: true; value: T; ms: number } | { ok: false; error: CallError; ms: number }> {
  const started = performance.now();
  try {
    const value = await fn();
    return { ok: true, value, ms: performance.now() - started };
  } catch (err) {
    const error = err instanceof CallError ? err : new CallError("CLIENT", 0, null, String(err));
    return { ok: false, error, ms: performance.now() - started };
  }
}

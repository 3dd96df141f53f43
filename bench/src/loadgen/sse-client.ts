import { connect, type Socket } from "node:net";
import { HttpResponseDecoder, READ_BUFFER, type ResponseHandler } from "./http-response.js";
import { type SseEvent, SseParser } from "./sse.js";

/**
 * A minimal HTTP/1.1 SSE client: one plain socket per stream, the GET written by hand, the status
 * line and headers parsed once, then the body (chunked, content-length or until close) parsed in
 * the socket's `data` handler straight into the SSE parser. The bench holds thousands of watcher
 * streams in load generators that share the server's cores; undici's request machinery, the body
 * stream's async iteration and a TextDecoder per chunk cost the generators about as much CPU per
 * event as the server spent producing it.
 */

/** How a stream ended (each stream ends exactly once). */
export type SseEnd =
  /** The server answered with another status than 200 (its body is not read). */
  | { kind: "status"; status: number }
  /** The server ended the response (e.g. at its max duration): reconnect with the last event id. */
  | { kind: "end" }
  /** `close()` was called. */
  | { kind: "closed" }
  /** The connection failed, closed mid-response, timed out or sent something that is not HTTP. */
  | { kind: "error"; code: string };

export interface SseOptions {
  host: string;
  port: number;
  /** Path and query string. */
  path: string;
  /** Extra request headers (host and accept are set). */
  headers?: Record<string, string>;
  /** Gives up when the status line and headers have not arrived by then (connect included). */
  headersTimeoutMs?: number;
  /** Called once when a 200 response's headers are read, before any event. */
  onOpen?: () => void;
  /** Called per event; return true to close the stream there (nothing more is delivered). */
  onEvent: (ev: SseEvent) => boolean;
}

/**
 * The bytes of one HTTP/1.1 response carrying SSE, in whatever pieces they arrive: status line
 * and headers once, then the body (chunked, content-length or until close) decoded into the SSE
 * parser once per piece. Kept apart from the socket so every way of cutting the bytes is testable.
 */
export class SseResponseParser implements ResponseHandler {
  private finished = false;
  private readonly http: HttpResponseDecoder;
  /** The start of a UTF-8 character whose other bytes are in the next piece. */
  private partial: Buffer | null = null;
  /** Decoded body text of the current piece, parsed once at its end. */
  private text = "";
  private readonly sse = new SseParser();

  constructor(
    private readonly handler: {
      /** A 200 response's headers were read. */
      onOpen?: () => void;
      /** One event; true stops the parser (nothing more is delivered). */
      onEvent: (ev: SseEvent) => boolean;
      /** Exactly once, unless `stop()` came first. */
      onEnd: (end: SseEnd) => void;
    },
  ) {
    // The parser is its own response handler: method calls, no closures per stream.
    this.http = new HttpResponseDecoder(this);
  }

  /** @internal The response's head (for the decoder). */
  onHead(status: number): void {
    if (status !== 200) this.end({ kind: "status", status });
    else this.handler.onOpen?.();
  }

  /** @internal Body bytes (for the decoder). */
  onBody(b: Buffer, from: number, to: number): void {
    this.decode(b, from, to);
  }

  /** @internal The response is complete (for the decoder). */
  onComplete(): void {
    this.flushText();
    this.end({ kind: "end" });
  }

  /** @internal Not HTTP or bad chunk framing (for the decoder). */
  onError(code: "BAD_RESPONSE" | "BAD_CHUNK"): void {
    this.end({ kind: "error", code });
  }

  /** Nothing more is read or delivered. */
  stop(): void {
    this.finished = true;
    this.http.stop();
  }

  get stopped(): boolean {
    return this.finished;
  }

  /** Whether the status line and headers were read. */
  get headersRead(): boolean {
    return this.http.headersRead;
  }

  /** Reads one piece of the response. */
  push(chunk: Buffer): void {
    if (this.finished) return;
    this.http.push(chunk);
    if (!this.finished) this.flushText();
  }

  /** The connection closed (the server's FIN): the end of an until-close body, else an error. */
  eof(): void {
    if (this.finished) return;
    if (!this.http.eof()) this.end({ kind: "error", code: "SOCKET_CLOSED" });
  }

  private end(end: SseEnd): void {
    if (this.finished) return;
    this.stop();
    this.handler.onEnd(end);
  }

  /** Appends b[from, to) as text, holding back a UTF-8 character cut by the end of the piece. */
  private decode(b: Buffer, from: number, to: number): void {
    if (from >= to) return;
    let bytes = b;
    let start = from;
    let end = to;
    if (this.partial) {
      bytes = Buffer.concat([this.partial, b.subarray(from, to)]);
      start = 0;
      end = bytes.length;
      this.partial = null;
    }
    const cut = completeUtf8End(bytes, start, end);
    if (cut < end) this.partial = Buffer.from(bytes.subarray(cut, end));
    if (cut > start) this.text += bytes.toString("utf8", start, cut);
  }

  private flushText(): void {
    if (this.text.length === 0) return;
    const text = this.text;
    this.text = "";
    this.sse.feed(text, this.deliver);
  }

  private readonly deliver = (ev: SseEvent): boolean => {
    if (this.finished) return true;
    if (this.handler.onEvent(ev)) this.stop();
    return this.finished;
  };
}

/**
 * What every watcher stream shares, whatever carries it: it ends exactly once (`done`), with the
 * first of its endings; `close()` ends it as `closed`; a headers timer, if any, is cleared then.
 */
export abstract class EndsOnce {
  /** Settles when the stream is over; never rejects. */
  readonly done: Promise<SseEnd>;
  private settle!: (end: SseEnd) => void;
  protected timer: NodeJS.Timeout | undefined;
  private finished = false;

  constructor() {
    this.done = new Promise<SseEnd>((resolve) => {
      this.settle = resolve;
    });
  }

  /** Ends the stream; it ends as `closed` unless it had already ended. */
  close(): void {
    this.finish({ kind: "closed" });
  }

  protected get ended(): boolean {
    return this.finished;
  }

  protected finish(end: SseEnd): void {
    if (this.finished) return;
    this.finished = true;
    if (this.timer) clearTimeout(this.timer);
    this.release();
    this.settle(end);
  }

  /** Lets go of the connection or stream (once, at the end). */
  protected abstract release(): void;
}

/**
 * One SSE stream over its own socket. The stream ends exactly once (`done`): non-200 status,
 * the server ending the response, `close()`, or a connection error.
 */
export class SseStream extends EndsOnce {
  private readonly socket: Socket;
  private readonly parser: SseResponseParser;

  constructor(opts: SseOptions) {
    super();
    this.parser = new SseResponseParser({
      onOpen: () => {
        if (this.timer) clearTimeout(this.timer);
        this.timer = undefined;
        opts.onOpen?.();
      },
      onEvent: opts.onEvent,
      onEnd: (end) => this.finish(end),
    });
    let req = `GET ${opts.path} HTTP/1.1\r\nhost: ${opts.host}:${opts.port}\r\naccept: text/event-stream\r\n`;
    for (const [k, v] of Object.entries(opts.headers ?? {})) req += `${k}: ${v}\r\n`;
    req += "\r\n";
    // `onread` hands each read straight to the parser in one buffer shared by all streams: no
    // Buffer per read, no Readable-stream push and 'data' emit. The parser copies what it keeps.
    this.socket = connect({
      host: opts.host,
      port: opts.port,
      noDelay: true,
      onread: {
        buffer: READ_BUFFER,
        callback: (n: number, buf: Uint8Array) => {
          this.parser.push((buf as Buffer).subarray(0, n));
          // The handler returned true (done with the stream).
          if (this.parser.stopped) this.finish({ kind: "closed" });
          return true;
        },
      },
    });
    this.socket.on("end", () => this.parser.eof());
    this.socket.on("error", (err: Error & { code?: string }) => this.finish({ kind: "error", code: err.code ?? "NETWORK" }));
    this.socket.on("close", () => this.finish({ kind: "error", code: "SOCKET_CLOSED" }));
    this.socket.write(req);
    if (opts.headersTimeoutMs) this.timer = setTimeout(() => this.finish({ kind: "error", code: "HEADERS_TIMEOUT" }), opts.headersTimeoutMs);
  }

  protected release(): void {
    this.parser.stop();
    this.socket.destroy();
  }
}

/** Opens one SSE stream. */
export function openSse(opts: SseOptions): SseStream {
  return new SseStream(opts);
}

/**
 * The end of the complete UTF-8 characters of b[from, to): `to`, or the index of a lead byte
 * whose continuation bytes have not arrived. Invalid bytes count as complete (they decode to
 * U+FFFD), so at most three bytes are ever held back.
 */
export function completeUtf8End(b: Buffer, from: number, to: number): number {
  const last = b[to - 1] as number;
  if (last < 0x80) return to;
  for (let k = to - 1; k >= from && k >= to - 4; k--) {
    const c = b[k] as number;
    if (c < 0x80) return to;
    if (c >= 0xc0) {
      const len = c >= 0xf0 ? 4 : c >= 0xe0 ? 3 : 2;
      return k + len > to ? k : to;
    }
  }
  return to;
}

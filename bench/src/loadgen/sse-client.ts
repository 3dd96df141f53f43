import { connect, type Socket } from "node:net";
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

const CR = 13;
const LF = 10;
const HEAD_END = Buffer.from("\r\n\r\n");
const MAX_HEAD = 64 * 1024;
/** Where every stream's socket reads into (one process-wide buffer: reads are handled at once). */
const READ_BUFFER = Buffer.allocUnsafe(64 * 1024);

// Where the response parser is.
const HEAD = 0;
const CHUNK_SIZE = 1;
const CHUNK_EXT = 2;
const CHUNK_DATA = 3;
const CHUNK_DATA_END = 4;
const TRAILER = 5;
const LENGTH = 6;
const UNTIL_CLOSE = 7;
const DONE = 8;

/**
 * The bytes of one HTTP/1.1 response carrying SSE, in whatever pieces they arrive: status line
 * and headers once, then the body (chunked, content-length or until close) decoded into the SSE
 * parser once per piece. Kept apart from the socket so every way of cutting the bytes is testable.
 */
export class SseResponseParser {
  private finished = false;
  private state = HEAD;
  /** Bytes of the head read so far (it may arrive in pieces). */
  private head: Buffer | null = null;
  /** Bytes left in the current chunk or, for a content-length body, in the body. */
  private left = 0;
  private sawDigit = false;
  private trailerLine = 0;
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
  ) {}

  /** Nothing more is read or delivered. */
  stop(): void {
    this.finished = true;
    this.state = DONE;
  }

  get stopped(): boolean {
    return this.finished;
  }

  /** Whether the status line and headers were read. */
  get headersRead(): boolean {
    return this.state !== HEAD;
  }

  /** Reads one piece of the response. */
  push(chunk: Buffer): void {
    if (this.finished) return;
    let b = chunk;
    let i = 0;
    if (this.state === HEAD) {
      b = this.head ? Buffer.concat([this.head, chunk]) : chunk;
      const end = b.indexOf(HEAD_END);
      if (end === -1) {
        if (b.length > MAX_HEAD) this.end({ kind: "error", code: "BAD_RESPONSE" });
        // Copied: the socket may reuse the chunk's memory.
        else this.head = b === chunk ? Buffer.from(chunk) : b;
        return;
      }
      this.head = null;
      this.readHead(b.toString("latin1", 0, end));
      if (this.finished) return;
      i = end + 4;
    }
    this.readBody(b, i);
    if (this.finished) return;
    this.flushText();
    if (this.state === DONE) this.end({ kind: "end" });
  }

  /** The connection closed (the server's FIN): the end of an until-close body, else an error. */
  eof(): void {
    if (this.finished) return;
    if (this.state === UNTIL_CLOSE) {
      this.flushText();
      this.end({ kind: "end" });
    } else this.end({ kind: "error", code: "SOCKET_CLOSED" });
  }

  private end(end: SseEnd): void {
    if (this.finished) return;
    this.stop();
    this.handler.onEnd(end);
  }

  private readHead(head: string): void {
    const m = /^HTTP\/1\.[01] (\d{3})/.exec(head);
    if (!m) {
            this.end({ kind: "error", code: "BAD_RESPONSE" });
            return;
          }
    const status = Number(m[1]);
    if (status !== 200) {
            this.end({ kind: "status", status });
            return;
          }
    const lower = head.toLowerCase();
    const te = /\r\ntransfer-encoding:[ \t]*([^\r]*)/.exec(lower);
    const cl = /\r\ncontent-length:[ \t]*(\d+)/.exec(lower);
    if (te?.[1]?.trimEnd().endsWith("chunked")) this.state = CHUNK_SIZE;
    else if (cl) {
      this.left = Number(cl[1]);
      this.state = this.left === 0 ? DONE : LENGTH;
    } else this.state = UNTIL_CLOSE;
    this.handler.onOpen?.();
  }

  private readBody(b: Buffer, from: number): void {
    const n = b.length;
    let i = from;
    while (i < n) {
      switch (this.state) {
        case CHUNK_SIZE: {
          const c = b[i++] as number;
          const d = hex(c);
          if (d >= 0) {
            this.left = this.left * 16 + d;
            this.sawDigit = true;
            if (this.left > 0xffffffff) {
            this.end({ kind: "error", code: "BAD_CHUNK" });
            return;
          }
          } else if (c === LF || c === CR || c === 0x3b /* ; */ || c === 0x20 || c === 0x09) {
            if (!this.sawDigit) {
            this.end({ kind: "error", code: "BAD_CHUNK" });
            return;
          }
            if (c === LF) this.endSizeLine();
            else this.state = CHUNK_EXT;
          } else {
            this.end({ kind: "error", code: "BAD_CHUNK" });
            return;
          }
          break;
        }
        case CHUNK_EXT: {
          // Extensions (after `;`) are ignored up to the end of the size line.
          const nl = b.indexOf(LF, i);
          if (nl === -1) return;
          i = nl + 1;
          this.endSizeLine();
          break;
        }
        case CHUNK_DATA: {
          const end = Math.min(n, i + this.left);
          this.decode(b, i, end);
          this.left -= end - i;
          i = end;
          if (this.left === 0) this.state = CHUNK_DATA_END;
          break;
        }
        case CHUNK_DATA_END: {
          const c = b[i++];
          if (c === LF) this.state = CHUNK_SIZE;
          else if (c !== CR) {
            this.end({ kind: "error", code: "BAD_CHUNK" });
            return;
          }
          break;
        }
        case TRAILER: {
          // Trailer lines until an empty one; the response is then complete.
          const c = b[i++];
          if (c === LF) {
            if (this.trailerLine === 0) {
              this.state = DONE;
              return;
            }
            this.trailerLine = 0;
          } else if (c !== CR) this.trailerLine++;
          break;
        }
        case LENGTH: {
          const end = Math.min(n, i + this.left);
          this.decode(b, i, end);
          this.left -= end - i;
          i = end;
          if (this.left === 0) {
            this.state = DONE;
            return;
          }
          break;
        }
        case UNTIL_CLOSE:
          this.decode(b, i, n);
          return;
        default:
          // Done, or bytes after the response: nothing more is read.
          return;
      }
    }
  }

  private endSizeLine(): void {
    this.sawDigit = false;
    this.state = this.left === 0 ? TRAILER : CHUNK_DATA;
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
 * One SSE stream over its own socket. The stream ends exactly once (`done`): non-200 status,
 * the server ending the response, `close()`, or a connection error.
 */
export class SseStream {
  /** Settles when the stream is over; never rejects. */
  readonly done: Promise<SseEnd>;
  private settle!: (end: SseEnd) => void;
  private readonly socket: Socket;
  private readonly parser: SseResponseParser;
  private timer: NodeJS.Timeout | undefined;
  private finished = false;

  constructor(opts: SseOptions) {
    this.done = new Promise<SseEnd>((resolve) => {
      this.settle = resolve;
    });
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

  /** Closes the socket; the stream ends as `closed` unless it had already ended. */
  close(): void {
    this.finish({ kind: "closed" });
  }

  private finish(end: SseEnd): void {
    if (this.finished) return;
    this.finished = true;
    this.parser.stop();
    if (this.timer) clearTimeout(this.timer);
    this.socket.destroy();
    this.settle(end);
  }
}

/** Opens one SSE stream. */
export function openSse(opts: SseOptions): SseStream {
  return new SseStream(opts);
}

function hex(c: number): number {
  if (c >= 48 && c <= 57) return c - 48;
  if (c >= 97 && c <= 102) return c - 87;
  if (c >= 65 && c <= 70) return c - 55;
  return -1;
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

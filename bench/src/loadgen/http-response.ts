/**
 * The incremental decoder of one HTTP/1.1 response shared by the load generators' SSE client and
 * keep-alive tRPC client: status line and headers once, then the body (content-length, chunked
 * with extensions and trailers, or until close) handed out as ranges of the bytes read, without
 * copies. Both clients read into one process-wide buffer in their socket's `onread` callback.
 */

/** Where every generator socket reads into (one process-wide buffer: each read is handled at once). */
export const READ_BUFFER = Buffer.allocUnsafe(64 * 1024);

const HEAD_END = Buffer.from("\r\n\r\n");
const MAX_HEAD = 64 * 1024;
/** A chunk size beyond this is not a real response. */
const MAX_CHUNK = 2 ** 40;

// Where the decoder is.
const HEAD = 0;
const LENGTH = 1;
const CHUNK_SIZE = 2;
const CHUNK_EXT = 3;
const CHUNK_DATA = 4;
const CHUNK_DATA_END = 5;
const TRAILER = 6;
const UNTIL_CLOSE = 7;
const DONE = 8;

export interface ResponseHandler {
  /**
   * A status line and headers, lower-cased, without the blank line. Interim (1xx) heads come here
   * too; the next head is read after them. The handler may `stop()` the decoder here.
   */
  onHead(status: number, head: string): void;
  /**
   * Body bytes b[from, to). `b` is the caller's read buffer: copy what outlives the call. `whole`:
   * they are the entire body (a content-length body that came in one read).
   */
  onBody(b: Buffer, from: number, to: number, whole: boolean): void;
  /**
   * The response is complete (the decoder reads nothing more until `reset()`). `reusable` is false
   * when the connection's close ended the body or more bytes followed the response in the same read.
   */
  onComplete(reusable: boolean): void;
  /** Not an HTTP response (`BAD_RESPONSE`) or bad chunk framing (`BAD_CHUNK`); the decoder stops. */
  onError(code: "BAD_RESPONSE" | "BAD_CHUNK"): void;
}

export class HttpResponseDecoder {
  private state = HEAD;
  /** Bytes of the head read so far (it may arrive in pieces). */
  private head: Buffer | null = null;
  /** Bytes left in the current chunk or, for a content-length body, in the body. */
  private left = 0;
  /** The content-length of the body. */
  private length = 0;
  private sawDigit = false;
  private trailerLine = 0;

  constructor(private readonly handler: ResponseHandler) {}

  /** Reads the next response (on a keep-alive connection, after the previous one completed). */
  reset(): void {
    this.state = HEAD;
    this.head = null;
    this.left = 0;
    this.sawDigit = false;
    this.trailerLine = 0;
  }

  /** Nothing more is read until `reset()`. */
  stop(): void {
    this.state = DONE;
    this.head = null;
  }

  /** Whether the status line and headers were read (or the decoder stopped). */
  get headersRead(): boolean {
    return this.state !== HEAD;
  }

  /** Reads one piece of the response. */
  push(chunk: Buffer): void {
    let b = chunk;
    let i = 0;
    /** Whether b is the caller's memory (the read buffer, reused after this call). */
    let borrowed = true;
    while (this.state === HEAD) {
      if (this.head) {
        b = Buffer.concat([this.head, b]);
        borrowed = false;
      }
      const end = b.indexOf(HEAD_END);
      if (end === -1) {
        if (b.length > MAX_HEAD) this.fail("BAD_RESPONSE");
        // Copied when it is the caller's memory: the read buffer is reused.
        else this.head = borrowed ? Buffer.from(b) : b;
        return;
      }
      this.head = null;
      const head = b.toString("latin1", 0, end);
      const status = statusOf(head);
      if (status === 0) {
        this.fail("BAD_RESPONSE");
        return;
      }
      const lower = head.toLowerCase();
      this.handler.onHead(status, lower);
      if (this.state !== HEAD) return;
      i = end + 4;
      if (status < 200) {
        // An interim (1xx) response: the real one follows.
        b = b.subarray(i);
        i = 0;
        if (b.length === 0) return;
        continue;
      }
      this.frame(status, lower);
    }
    this.readBody(b, i);
  }

  /** The connection closed: true if that completed an until-close body, else the response was cut short. */
  eof(): boolean {
    if (this.state !== UNTIL_CLOSE) return false;
    this.complete(false);
    return true;
  }

  /** How the body is delimited. */
  private frame(status: number, head: string): void {
    this.left = 0;
    if (status === 204 || status === 304) this.state = LENGTH;
    else if (/\r\ntransfer-encoding:[^\r]*chunked/.test(head)) {
      this.state = CHUNK_SIZE;
      this.sawDigit = false;
    } else {
      const cl = /\r\ncontent-length:[ \t]*(\d+)/.exec(head);
      this.state = cl ? LENGTH : UNTIL_CLOSE;
      if (cl) this.left = Number(cl[1]);
    }
    this.length = this.left;
  }

  private readBody(b: Buffer, from: number): void {
    const n = b.length;
    let i = from;
    // An empty content-length body is complete without another byte.
    while (i < n || (this.state === LENGTH && this.left === 0)) {
      switch (this.state) {
        case LENGTH: {
          const end = Math.min(n, i + this.left);
          if (end > i) this.handler.onBody(b, i, end, end - i === this.length);
          this.left -= end - i;
          i = end;
          if (this.left === 0) {
            this.complete(i === n);
            return;
          }
          break;
        }
        case UNTIL_CLOSE:
          this.handler.onBody(b, i, n, false);
          return;
        case CHUNK_SIZE: {
          const c = b[i++] as number;
          const d = hex(c);
          if (d >= 0) {
            this.left = this.left * 16 + d;
            this.sawDigit = true;
            if (this.left > MAX_CHUNK) {
              this.fail("BAD_CHUNK");
              return;
            }
          } else if (!this.sawDigit) {
            this.fail("BAD_CHUNK");
            return;
          } else if (c === 10) this.endSizeLine();
          else if (c === 59 /* ; */ || c === 32 || c === 9 || c === 13) this.state = CHUNK_EXT;
          else {
            this.fail("BAD_CHUNK");
            return;
          }
          break;
        }
        case CHUNK_EXT: {
          // Extensions (after `;`) are ignored up to the end of the size line.
          const lf = b.indexOf(10, i);
          if (lf === -1) return;
          i = lf + 1;
          this.endSizeLine();
          break;
        }
        case CHUNK_DATA: {
          const end = Math.min(n, i + this.left);
          this.handler.onBody(b, i, end, false);
          this.left -= end - i;
          i = end;
          if (this.left === 0) this.state = CHUNK_DATA_END;
          break;
        }
        case CHUNK_DATA_END: {
          const c = b[i++] as number;
          if (c === 10) this.state = CHUNK_SIZE;
          else if (c !== 13) {
            this.fail("BAD_CHUNK");
            return;
          }
          break;
        }
        case TRAILER: {
          // Trailer lines are skipped; an empty line ends the response.
          const c = b[i++] as number;
          if (c === 10) {
            if (this.trailerLine === 0) {
              this.complete(i === n);
              return;
            }
            this.trailerLine = 0;
          } else if (c !== 13) this.trailerLine++;
          break;
        }
        default:
          // Done or stopped: nothing more is read.
          return;
      }
    }
  }

  private endSizeLine(): void {
    this.sawDigit = false;
    if (this.left === 0) {
      this.state = TRAILER;
      this.trailerLine = 0;
    } else this.state = CHUNK_DATA;
  }

  private complete(reusable: boolean): void {
    // Set first: the handler may reset() for the next response.
    this.state = DONE;
    this.handler.onComplete(reusable);
  }

  private fail(code: "BAD_RESPONSE" | "BAD_CHUNK"): void {
    this.stop();
    this.handler.onError(code);
  }
}

/** The status of an `HTTP/1.0` or `HTTP/1.1` status line, 0 if it is not one. */
function statusOf(head: string): number {
  if (!head.startsWith("HTTP/1.") || (head[7] !== "0" && head[7] !== "1") || head[8] !== " ") return 0;
  const status = Number(head.slice(9, 12));
  return status >= 100 && status <= 599 ? status : 0;
}

function hex(c: number): number {
  if (c >= 48 && c <= 57) return c - 48;
  if (c >= 97 && c <= 102) return c - 87;
  if (c >= 65 && c <= 70) return c - 55;
  return -1;
}

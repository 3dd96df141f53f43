import { type ClientHttp2Session, type ClientHttp2Stream, connect, constants } from "node:http2";
import { EndsOnce, type SseOptions } from "./sse-client.js";
import { SseParser } from "./sse.js";

/**
 * SSE streams over HTTP/2 without TLS (h2c, prior knowledge): up to `perConnection` streams share
 * one connection, as a browser's EventSources to one origin do over h2, or a proxy's upstream.
 * Same contract as sse-client.ts's one-socket streams: `done` settles exactly once, `close()`.
 */
export class H2SseConnections {
  private readonly sessions: { session: ClientHttp2Session; open: number }[] = [];

  constructor(
    private readonly origin: string,
    private readonly perConnection: number,
  ) {}

  open(opts: Omit<SseOptions, "host" | "port">): H2SseStream {
    let slot = this.sessions.find((s) => s.open < this.perConnection && !s.session.closed && !s.session.destroyed);
    if (!slot) {
      const session = connect(this.origin);
      const entry = { session, open: 0 };
      // A room's pass writes to every stream at once: let a whole pass be in flight (the default
      // connection window is 64 KiB; browsers open theirs to megabytes too).
      session.on("connect", () => session.setLocalWindowSize(32 * 2 ** 20));
      // Its streams report the failure; the connection is just not used again.
      session.on("error", () => undefined);
      session.once("close", () => {
        const i = this.sessions.indexOf(entry);
        if (i !== -1) this.sessions.splice(i, 1);
      });
      this.sessions.push(entry);
      slot = entry;
    }
    const entry = slot;
    entry.open++;
    const stream = new H2SseStream(entry.session, opts, () => {
      entry.open--;
    });
    return stream;
  }

  /** Connections open now. */
  get connections(): number {
    return this.sessions.length;
  }

  close(): void {
    for (const { session } of this.sessions) session.destroy();
    this.sessions.length = 0;
  }
}

export class H2SseStream extends EndsOnce {
  private readonly stream: ClientHttp2Stream;
  private readonly parser = new SseParser();
  private opened = false;

  constructor(
    session: ClientHttp2Session,
    opts: Omit<SseOptions, "host" | "port">,
    private readonly onFinish: () => void,
  ) {
    super();
    this.stream = session.request({ ":path": opts.path, accept: "text/event-stream", ...opts.headers });
    this.stream.setEncoding("utf8");
    this.stream.on("response", (headers) => {
      const status = Number(headers[":status"]);
      if (status !== 200) {
        this.finish({ kind: "status", status });
        return;
      }
      this.opened = true;
      if (this.timer) clearTimeout(this.timer);
      this.timer = undefined;
      opts.onOpen?.();
    });
    this.stream.on("data", (text: string) => {
      if (this.ended) return;
      for (const ev of this.parser.push(text)) {
        if (opts.onEvent(ev)) {
          this.finish({ kind: "closed" });
          return;
        }
      }
    });
    // 'end' also comes when the connection is cut; only a stream that closes cleanly after it
    // was ended by the server (END_STREAM, no reset).
    let ended = false;
    this.stream.on("end", () => {
      ended = true;
    });
    this.stream.on("error", (err: Error & { code?: string }) => this.finish({ kind: "error", code: err.code ?? "NETWORK" }));
    this.stream.on("close", () => {
      const clean = ended && this.opened && this.stream.rstCode === constants.NGHTTP2_NO_ERROR && !session.destroyed;
      this.finish(clean ? { kind: "end" } : { kind: "error", code: ended ? "CONNECTION_CLOSED" : "STREAM_CLOSED" });
    });
    if (opts.headersTimeoutMs) this.timer = setTimeout(() => this.finish({ kind: "error", code: "HEADERS_TIMEOUT" }), opts.headersTimeoutMs);
  }

  /** Resets the stream (RST_STREAM) unless the server already ended it. */
  protected release(): void {
    if (!this.stream.closed) this.stream.close();
    this.onFinish();
  }
}

// HTTP/2 on the API's port, over cleartext and over TLS: the same answers as HTTP/1.1, byte for
// byte, for queries, mutations, errors, the stock adapter's fallback and SSE; many streams on one
// connection; the first bytes (or ALPN) decide the protocol however they arrive; graceful close.
import { once } from "node:events";
import { readFileSync } from "node:fs";
import { request as httpsRequest } from "node:https";
import { type Server, request as httpRequest } from "node:http";
import { type ClientHttp2Session, connect as h2connect, constants } from "node:http2";
import { type Socket, connect as netConnect } from "node:net";
import { connect as tlsConnect } from "node:tls";
import { initTRPC, tracked } from "@trpc/server";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { z } from "zod";
import { acceptHttp2 } from "../src/http/protocols.js";
import { closeServer, createApiServer, createLeanHandler, listen } from "../src/http/index.js";
import { PUSH, type PushSource } from "../src/push-source.js";

const t = initTRPC.create({ isDev: false, sse: { ping: { enabled: true, intervalMs: 200 }, client: { reconnectAfterInactivityMs: 1_000 } } });

/** Subscribers of `feed`, told of each `bump`; `stopped` counts sources a client left. */
const feed = { listeners: new Set<(n: number) => void>(), stopped: 0 };
const flooded = { pushed: 0, stopped: false };
const bump = (n: number) => {
  for (const l of feed.listeners) l(n);
};

const router = t.router({
  hello: t.procedure.input(z.object({ name: z.string().min(1) })).query(({ input }) => `hi ${input.name}`),
  echo: t.procedure.input(z.object({ text: z.string() })).mutation(({ input }) => input.text.toUpperCase()),
  // Tracked values pushed from `bump`, as queue.watch is.
  watch: t.procedure.input(z.object({ id: z.number().int() })).subscription(({ input }) => {
    const source: PushSource<unknown> & AsyncIterable<unknown> = {
      async *[Symbol.asyncIterator]() {
        yield tracked("0", { id: input.id, n: 0 });
      },
      [PUSH](sink) {
        sink.next(tracked("0", { id: input.id, n: 0 }));
        const listener = (n: number) => {
          if (n < 0) sink.done();
          else sink.next(tracked(String(n), { id: input.id, n }));
        };
        feed.listeners.add(listener);
        return {
          resume() {},
          stop() {
            feed.stopped++;
            feed.listeners.delete(listener);
          },
        };
      },
    };
    return source;
  }),
  // Pushes 1 KiB values for as long as the stream takes them, again at each resume.
  flood: t.procedure.subscription(() => {
    const source: PushSource<unknown> & AsyncIterable<unknown> = {
      async *[Symbol.asyncIterator]() {},
      [PUSH](sink) {
        let live = true;
        const pump = () => {
          while (live) {
            flooded.pushed++;
            if (!sink.next({ pad: "x".repeat(1024) })) return;
          }
        };
        pump();
        return {
          resume: pump,
          stop() {
            live = false;
            flooded.stopped = true;
          },
        };
      },
    };
    return source;
  }),
  // A generator: the pull path over HTTP/2.
  count: t.procedure.input(z.object({ to: z.number().int().max(5) })).subscription(async function* ({ input }) {
    for (let i = 1; i <= input.to; i++) yield i;
  }),
});

interface Answer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

function h1(port: number, path: string, opts: { method?: string; body?: string; headers?: Record<string, string> } = {}): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = httpRequest({ host: "127.0.0.1", port, path, method: opts.method ?? "GET", headers: opts.headers }, (res) => {
      let body = "";
      res.setEncoding("utf8");
      res.on("data", (c: string) => {
        body += c;
      });
      res.on("end", () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
    });
    req.on("error", reject);
    req.end(opts.body);
  });
}

function h2(session: ClientHttp2Session, path: string, opts: { method?: string; body?: string; headers?: Record<string, string> } = {}): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const stream = session.request({ ":path": path, ":method": opts.method ?? "GET", ...opts.headers });
    let status = 0;
    let headers: Record<string, string | string[] | undefined> = {};
    let body = "";
    stream.setEncoding("utf8");
    stream.on("response", (h) => {
      status = Number(h[":status"]);
      headers = h;
    });
    stream.on("data", (c: string) => {
      body += c;
    });
    stream.on("end", () => resolve({ status, headers, body }));
    stream.on("error", reject);
    stream.end(opts.body);
  });
}

/** What the two protocols must agree on: status, body and the headers a client reads. */
const comparable = (a: Answer) => ({
  status: a.status,
  body: a.body,
  type: a.headers["content-type"],
  vary: a.headers.vary,
  hasRequestId: typeof a.headers["x-request-id"] === "string",
});

let server: Server;
let port: number;
let session: ClientHttp2Session;
beforeAll(async () => {
  server = createApiServer({
    handler: createLeanHandler({ router, maxBodySize: 1024 }),
    routes: { "/healthz": (_req, res) => res.writeHead(200, { "content-type": "text/plain" }).end("ok\n") },
  });
  port = await listen(server, 0);
  session = h2connect(`http://127.0.0.1:${port}`);
  await once(session, "connect");
});
afterAll(async () => {
  session.close();
  await closeServer(server, 200);
});

describe("h2c on the API port", () => {
  it("answers queries, mutations, routes and 404s as HTTP/1.1 does", async () => {
    const cases: { path: string; method?: string; body?: string; headers?: Record<string, string> }[] = [
      { path: `/api/trpc/hello?input=${encodeURIComponent(JSON.stringify({ name: "ann" }))}` },
      { path: "/api/trpc/echo", method: "POST", body: JSON.stringify({ text: "buy" }), headers: { "content-type": "application/json" } },
      { path: "/healthz" },
      { path: "/nowhere" },
    ];
    for (const c of cases) {
      const [a, b] = [await h1(port, c.path, c), await h2(session, c.path, c)];
      expect(comparable(b)).toEqual(comparable(a));
      expect(b.status).not.toBe(0);
    }
    const hello = await h2(session, cases[0]!.path);
    expect(hello.body).toBe('{"result":{"data":"hi ann"}}');
  });

  it("gives bad input the same clear error, and the stock adapter's fallback works", async () => {
    const cases: { path: string; method?: string; body?: string; headers?: Record<string, string> }[] = [
      // zod refuses the name
      { path: `/api/trpc/hello?input=${encodeURIComponent(JSON.stringify({ name: "" }))}` },
      // not JSON
      { path: "/api/trpc/echo", method: "POST", body: "{nope", headers: { "content-type": "application/json" } },
      // too large for maxBodySize
      { path: "/api/trpc/echo", method: "POST", body: JSON.stringify({ text: "z".repeat(2000) }), headers: { "content-type": "application/json" } },
      // no such procedure
      { path: "/api/trpc/missing" },
      // percent-escapes: the lean handler hands these to tRPC's own adapter
      { path: `/api/trpc/hel%6co?input=${encodeURIComponent(JSON.stringify({ name: "bo" }))}` },
    ];
    for (const c of cases) {
      const [a, b] = [await h1(port, c.path, c), await h2(session, c.path, c)];
      expect(comparable(b)).toEqual(comparable(a));
      expect(b.body).not.toContain("    at ");
    }
    const escaped = await h2(session, cases[4]!.path);
    expect(escaped).toMatchObject({ status: 200, body: '{"result":{"data":"hi bo"}}' });
    expect((await h2(session, cases[0]!.path)).status).toBe(400);
  });

  it("streams SSE frames identical to HTTP/1.1's, without connection headers", async () => {
    const path = `/api/trpc/count?input=${encodeURIComponent(JSON.stringify({ to: 3 }))}`;
    const headers = { accept: "text/event-stream" };
    // node drops a connection header on HTTP/2 with a process warning; none is sent.
    const warn = vi.spyOn(process, "emitWarning");
    const [a, b] = [await h1(port, path, { headers }), await h2(session, path, { headers })];
    expect(warn).not.toHaveBeenCalled();
    warn.mockRestore();
    expect(b.body).toBe(a.body);
    expect(b.body).toContain("event: return");
    expect(b.headers["content-type"]).toBe("text/event-stream");
    expect(a.headers.connection).toBe("keep-alive");
    expect(b.headers.connection).toBeUndefined();
  });

  it("carries many pushed streams on one connection, and a reset stream stops its source", async () => {
    const streams = Array.from({ length: 200 }, (_, id) => {
      const stream = session.request({
        ":path": `/api/trpc/watch?input=${encodeURIComponent(JSON.stringify({ id }))}`,
        accept: "text/event-stream",
      });
      let text = "";
      stream.setEncoding("utf8");
      stream.on("data", (c: string) => {
        text += c;
      });
      return { stream, text: () => text };
    });
    const until = async (ok: () => boolean) => {
      for (let i = 0; i < 200 && !ok(); i++) await new Promise((r) => setTimeout(r, 10));
      expect(ok()).toBe(true);
    };
    await until(() => feed.listeners.size === 200);
    bump(1);
    bump(2);
    await until(() => streams.every((s) => s.text().includes("id: 2\n")));
    const first = streams[7]!.text();
    expect(first).toContain('data: {"id":7,"n":1}\nid: 1\n\n\n');
    expect(first.startsWith('event: connected\ndata: {"reconnectAfterInactivityMs":1000}\n\n\n')).toBe(true);

    // One client leaves (RST_STREAM): only its source stops; the connection and the others go on.
    const stoppedBefore = feed.stopped;
    streams[0]!.stream.close(constants.NGHTTP2_CANCEL);
    await until(() => feed.stopped === stoppedBefore + 1);
    bump(3);
    await until(() => streams.slice(1).every((s) => s.text().includes("id: 3\n")));
    bump(-1);
    await until(() => streams.slice(1).every((s) => s.text().endsWith("event: return\ndata: \n\n\n")));
    expect(feed.listeners.size).toBe(0);
    expect(session.closed).toBe(false);
  });
});

describe("backpressure per HTTP/2 stream", () => {
  it("a stream its client stops reading stops its source, which resumes when read again", async () => {
    const stream = session.request({ ":path": "/api/trpc/flood", accept: "text/event-stream" });
    stream.pause();
    await new Promise((r) => setTimeout(r, 500));
    const settled = flooded.pushed;
    await new Promise((r) => setTimeout(r, 500));
    // Stopped by the stream's flow-control window and the writer's buffer, not by memory.
    expect(flooded.pushed).toBe(settled);
    expect(settled).toBeGreaterThan(10);
    expect(settled).toBeLessThan(1_000);
    stream.on("data", () => undefined);
    stream.resume();
    for (let i = 0; i < 100 && flooded.pushed < settled + 100; i++) await new Promise((r) => setTimeout(r, 10));
    expect(flooded.pushed).toBeGreaterThanOrEqual(settled + 100);
    stream.close(constants.NGHTTP2_CANCEL);
    for (let i = 0; i < 100 && !flooded.stopped; i++) await new Promise((r) => setTimeout(r, 10));
    expect(flooded.stopped).toBe(true);
    // The connection serves others meanwhile.
    expect((await h2(session, "/healthz")).body).toBe("ok\n");
  });
});

describe("choosing the protocol by the first bytes", () => {
  /** Writes `parts` with pauses between them and returns the first bytes the server answers. */
  async function answerTo(parts: (string | Buffer)[]): Promise<Buffer> {
    const socket: Socket = netConnect(port, "127.0.0.1");
    await once(socket, "connect");
    for (const part of parts) {
      socket.write(part);
      await new Promise((r) => setTimeout(r, 30));
    }
    const [chunk] = (await once(socket, "data")) as [Buffer];
    socket.destroy();
    return chunk;
  }
  // An empty SETTINGS frame: length 0, type 4, no flags, stream 0.
  const SETTINGS = Buffer.from([0, 0, 0, 4, 0, 0, 0, 0, 0]);

  it("an HTTP/2 preface cut into pieces still opens HTTP/2", async () => {
    const reply = await answerTo(["PRI * HTTP/2", ".0\r\n\r\nS", Buffer.concat([Buffer.from("M\r\n\r\n"), SETTINGS])]);
    // The server's preface is its SETTINGS frame (type 4 on stream 0).
    expect(reply[3]).toBe(4);
  });

  it("an HTTP/1.1 request cut into pieces is still HTTP/1.1, even one starting like the preface", async () => {
    expect((await answerTo(["G", "ET /healthz HTTP/1.1\r\nhost: x\r\n\r\n"])).toString()).toMatch(/^HTTP\/1\.1 200 OK/);
    expect((await answerTo(["P", "UT /nowhere HTTP/1.1\r\nhost: x\r\ncontent-length: 0\r\n\r\n"])).toString()).toMatch(/^HTTP\/1\.1 404/);
  });

  it("drops a connection that sends nothing", async () => {
    const bare = createApiServer({ handler: (_req, res) => res.end(), http2: false });
    // acceptHttp2 with a short wait instead of the server's 20 s.
    acceptHttp2(bare, (_req, res) => res.end(), { idleTimeoutMs: 1_000, firstBytesTimeoutMs: 150 });
    const barePort = await listen(bare, 0);
    const socket = netConnect(barePort, "127.0.0.1");
    const started = Date.now();
    await once(socket, "close");
    expect(Date.now() - started).toBeGreaterThanOrEqual(100);
    expect(Date.now() - started).toBeLessThan(2_000);
    await closeServer(bare, 100);
  });
});

describe("closing a server with HTTP/2 clients", () => {
  it("sends GOAWAY, lets a request in flight finish, and cuts SSE streams at the grace time", async () => {
    const slowRouter = t.router({
      slow: t.procedure.query(async () => {
        await new Promise((r) => setTimeout(r, 300));
        return "done";
      }),
      forever: t.procedure.subscription(async function* ({ signal }) {
        yield 1;
        await new Promise((r) => signal?.addEventListener("abort", r));
      }),
    });
    const other = createApiServer({ handler: createLeanHandler({ router: slowRouter }) });
    const otherPort = await listen(other, 0);
    const client = h2connect(`http://127.0.0.1:${otherPort}`);
    const goaway = once(client, "goaway");
    const sse = client.request({ ":path": "/api/trpc/forever", accept: "text/event-stream" });
    await once(sse, "response");
    const slow = h2(client, "/api/trpc/slow");
    await new Promise((r) => setTimeout(r, 50));
    const started = Date.now();
    const closed = closeServer(other, 800);
    await goaway;
    expect(await slow).toMatchObject({ status: 200, body: '{"result":{"data":"done"}}' });
    await closed;
    // The SSE stream held the connection until the grace time cut it.
    expect(Date.now() - started).toBeGreaterThanOrEqual(700);
    expect(sse.destroyed || sse.closed).toBe(true);
    client.destroy();
  });
});

describe("TLS on the API port", () => {
  // A self-signed certificate for localhost and 127.0.0.1, for these tests only.
  const cert = readFileSync(new URL("./fixtures/localhost-cert.pem", import.meta.url));
  const key = readFileSync(new URL("./fixtures/localhost-key.pem", import.meta.url));
  let secure: Server;
  let securePort: number;
  beforeAll(async () => {
    secure = createApiServer({ handler: createLeanHandler({ router }), tls: { cert, key } });
    securePort = await listen(secure, 0);
  });
  afterAll(() => closeServer(secure, 200));

  const hello = `/api/trpc/hello?input=${encodeURIComponent(JSON.stringify({ name: "tls" }))}`;
  const count = `/api/trpc/count?input=${encodeURIComponent(JSON.stringify({ to: 2 }))}`;

  function https1(path: string, headers: Record<string, string> = {}): Promise<Answer & { alpn: string | false | null }> {
    return new Promise((resolve, reject) => {
      const req = httpsRequest({ host: "127.0.0.1", port: securePort, path, ca: cert, headers }, (res) => {
        let body = "";
        res.setEncoding("utf8");
        res.on("data", (c: string) => {
          body += c;
        });
        const alpn = (res.socket as { alpnProtocol?: string | false }).alpnProtocol ?? null;
        res.on("end", () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body, alpn }));
      });
      req.on("error", reject);
      req.end();
    });
  }

  it("speaks HTTP/2 to a client whose ALPN offers it, HTTP/1.1 to one without ALPN, with the same answers", async () => {
    const client = h2connect(`https://localhost:${securePort}`, { ca: cert });
    await once(client, "connect");
    expect(client.alpnProtocol).toBe("h2");
    const [a, b] = [await https1(hello), await h2(client, hello)];
    // node:https offers no ALPN
    expect(a.alpn).toBe(false);
    expect(comparable(b)).toEqual(comparable(a));
    expect(b.body).toBe('{"result":{"data":"hi tls"}}');
    const headers = { accept: "text/event-stream" };
    const [sa, sb] = [await https1(count, headers), await h2(client, count, { headers })];
    expect(sb.body).toBe(sa.body);
    expect(sb.body).toContain('data: 2\n\n\n');
    client.close();
  });

  it("serves no plaintext: an HTTP/1.1 or h2c connection is closed unanswered", async () => {
    for (const first of ["GET /healthz HTTP/1.1\r\nhost: x\r\n\r\n", "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n"]) {
      const socket = netConnect(securePort, "127.0.0.1");
      let answered = 0;
      socket.on("data", (c: Buffer) => {
        answered += c.length;
      });
      socket.on("error", () => undefined);
      socket.write(first);
      await once(socket, "close");
      expect(answered).toBe(0);
    }
  });

  it("drops a failed handshake and goes on serving", async () => {
    // Not trusted: the client refuses the self-signed certificate.
    const refused = tlsConnect({ host: "127.0.0.1", port: securePort, servername: "localhost" });
    const [err] = (await once(refused, "error")) as [Error & { code?: string }];
    expect(err.code).toBe("DEPTH_ZERO_SELF_SIGNED_CERT");
    // A TLS record header followed by garbage.
    const garbage = netConnect(securePort, "127.0.0.1");
    garbage.on("error", () => undefined);
    garbage.resume();
    garbage.write(Buffer.from([0x16, 0x03, 0x01, 0x00, 0x05, 1, 2, 3, 4, 5]));
    await once(garbage, "close");
    expect((await https1(hello)).status).toBe(200);
  });
});

import { once } from "node:events";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import { type AddressInfo, createServer as createNetServer, type Server as NetServer, type Socket } from "node:net";
import { setTimeout as sleep } from "node:timers/promises";
import { afterEach, describe, expect, it } from "vitest";
import { CallError, HttpClient, TrpcHttp, timed } from "./trpc.js";

const closers: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  for (const c of closers.splice(0).reverse()) await c();
});

/** A real node:http server on a free port; every socket it accepted is counted. */
async function httpServer(handler: (req: IncomingMessage, res: ServerResponse, body: string) => void): Promise<{ origin: string; server: Server; sockets: Set<Socket> }> {
  const sockets = new Set<Socket>();
  const server = createServer((req, res) => {
    let body = "";
    req.setEncoding("utf8");
    req.on("data", (d: string) => {
      body += d;
    });
    req.on("end", () => handler(req, res, body));
  });
  server.on("connection", (s: Socket) => sockets.add(s));
  server.listen(0, "127.0.0.1");
  await once(server, "listening");
  closers.push(() => {
    server.closeAllConnections();
    return new Promise((r) => server.close(r));
  });
  return { origin: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, server, sockets };
}

/** A raw TCP server answering every request (read up to its blank line) with `answer`, for framings node:http does not write. */
async function rawServer(answer: (socket: Socket, request: string) => Promise<void> | void): Promise<string> {
  const server: NetServer = createNetServer((socket) => {
    socket.setNoDelay(true);
    let got = "";
    socket.on("data", (d) => {
      got += d.toString("latin1");
      const end = got.indexOf("\r\n\r\n");
      if (end === -1) return;
      const request = got.slice(0, end);
      got = got.slice(end + 4);
      void answer(socket, request);
    });
    socket.on("error", () => {});
  });
  server.listen(0, "127.0.0.1");
  await once(server, "listening");
  closers.push(() => new Promise((r) => server.close(r)));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

/** Writes `wire` in pieces cut at `cuts`, each in its own TCP segment (a pause in between). */
async function writeInPieces(socket: Socket, wire: Buffer, cuts: number[]): Promise<void> {
  let from = 0;
  for (const at of [...cuts, wire.length]) {
    socket.write(wire.subarray(from, at));
    from = at;
    await sleep(5);
  }
}

function client(origin: string, connections = 4, timeoutMs?: number): HttpClient {
  const c = new HttpClient(origin, { connections, timeoutMs });
  closers.push(() => c.close());
  return c;
}

function api(origin: string, connections = 4): TrpcHttp {
  const a = new TrpcHttp(origin, connections);
  closers.push(() => a.close());
  return a;
}

function get(c: HttpClient, path = "/", method = "GET", body?: string): Promise<{ code: string | null; status: number; text: string }> {
  return new Promise((resolve) => c.request(method, path, "", body, (code, status, text) => resolve({ code, status, text })));
}

const NAME = "café €5 😀 ñ";

describe("TrpcHttp against node:http", () => {
  it("sends queries and mutations in tRPC's wire format and returns result.data", async () => {
    const seen: { method?: string; url?: string; auth?: string; type?: string; length?: string; body: string }[] = [];
    const { origin } = await httpServer((req, res, body) => {
      seen.push({ method: req.method, url: req.url, auth: req.headers.authorization, type: req.headers["content-type"], length: req.headers["content-length"], body });
      res.setHeader("content-type", "application/json");
      res.end(JSON.stringify({ result: { data: { echo: body || req.url, name: NAME } } }));
    });
    const a = api(origin);
    const q = await a.query<{ echo: string; name: string }>("queue.status", { ticket: "t 1&2" }, "tok");
    expect(q.name).toBe(NAME);
    expect(q.echo).toBe(`/api/trpc/queue.status?input=${encodeURIComponent(JSON.stringify({ ticket: "t 1&2" }))}`);
    const m = await a.mutation<{ echo: string }>("queue.join", { productId: 7, name: NAME });
    expect(JSON.parse(m.echo)).toEqual({ productId: 7, name: NAME });
    const empty = await a.mutation<{ echo: string }>("auth.logout", undefined, "tok2");
    expect(empty.echo).toBe("/api/trpc/auth.logout");
    expect(seen[0]).toMatchObject({ method: "GET", auth: "Bearer tok", type: undefined, length: undefined });
    expect(seen[1]).toMatchObject({ method: "POST", auth: undefined, type: "application/json", length: String(Buffer.byteLength(seen[1]?.body ?? "")) });
    expect(seen[2]).toMatchObject({ method: "POST", auth: "Bearer tok2", type: undefined, length: "0", body: "" });
  });

  it("turns tRPC error bodies into CallErrors with code, status and reason", async () => {
    const { origin } = await httpServer((req, res) => {
      const status = req.url?.includes("full") ? 409 : 503;
      res.statusCode = status;
      res.setHeader("content-type", "application/json");
      res.end(JSON.stringify({ error: { message: `no (${status})`, data: { code: status === 409 ? "CONFLICT" : "SERVICE_UNAVAILABLE", reason: status === 409 ? "SOLD_OUT" : null } } }));
    });
    const a = api(origin);
    const e1 = (await a.mutation("queue.full", {}).catch((e: unknown) => e)) as CallError;
    expect(e1).toBeInstanceOf(CallError);
    expect([e1.code, e1.status, e1.reason, e1.message, e1.retryable]).toEqual(["CONFLICT", 409, "SOLD_OUT", "no (409)", false]);
    const e2 = (await a.query("queue.down", {}).catch((e: unknown) => e)) as CallError;
    expect([e2.code, e2.status, e2.reason, e2.message, e2.retryable]).toEqual(["SERVICE_UNAVAILABLE", 503, null, "no (503)", true]);
  });

  it("keeps the status of a body that is not JSON, and fails a 200 that is not JSON", async () => {
    const { origin } = await httpServer((req, res) => {
      res.statusCode = req.url?.includes("ok") ? 200 : 502;
      res.end("<html>Bad gateway</html>");
    });
    const a = api(origin);
    const e = (await a.query("x", undefined).catch((err: unknown) => err)) as CallError;
    expect([e.code, e.status, e.reason, e.message]).toEqual(["HTTP_502", 502, null, "<html>Bad gateway</html>"]);
    const r = await timed(() => a.query("ok", undefined));
    expect(r.ok).toBe(false);
    if (!r.ok) expect([r.error.code, r.error.status]).toEqual(["CLIENT", 0]);
  });

  it("reads chunked bodies written in pieces, UTF-8 characters cut between chunks", async () => {
    const big = `${"x".repeat(300_000)}${NAME.repeat(1000)}`;
    const { origin } = await httpServer(async (_req, res) => {
      res.setHeader("content-type", "application/json");
      const wire = Buffer.from(JSON.stringify({ result: { data: { big, name: NAME } } }));
      // Cut inside the 4-byte emoji of the last NAME, then in small pieces, each its own chunk.
      const cut = wire.lastIndexOf(Buffer.from("😀")) + 2;
      res.write(wire.subarray(0, cut));
      await sleep(5);
      for (let i = cut; i < wire.length; i += 7) {
        res.write(wire.subarray(i, Math.min(wire.length, i + 7)));
        await sleep(1);
      }
      res.end();
    });
    const a = api(origin);
    const r = await a.query<{ big: string; name: string }>("big", undefined);
    expect(r.big).toBe(big);
    expect(r.name).toBe(NAME);
  });

  it("answers many concurrent calls over few connections, each with its own response", async () => {
    const { origin, sockets } = await httpServer(async (req, res, body) => {
      await sleep(Math.random() * 5);
      res.statusCode = req.url?.includes("odd") ? 400 : 200;
      const n = (JSON.parse(body) as { n: number }).n;
      res.end(res.statusCode === 200 ? JSON.stringify({ result: { data: n * 2 } }) : JSON.stringify({ error: { message: `odd ${n}`, data: { code: "BAD_REQUEST" } } }));
    });
    const a = api(origin, 3);
    const results = await Promise.all(Array.from({ length: 200 }, (_, n) => timed(() => a.mutation<number>(n % 2 ? "odd" : "even", { n }))));
    results.forEach((r, n) => {
      if (n % 2) expect(r.ok ? r.value : r.error.message).toBe(`odd ${n}`);
      else expect(r.ok ? r.value : r.error.message).toBe(n * 2);
    });
    expect(sockets.size).toBe(3);
    expect(a.http.connectionCount).toBe(3);
  });

  it("reconnects after the server closes a connection: after a response, when idle, and mid-response", async () => {
    let calls = 0;
    const { origin, server, sockets } = await httpServer((req, res) => {
      calls++;
      if (req.url === "/close") res.setHeader("connection", "close");
      if (req.url === "/cut") {
        res.writeHead(200, { "content-length": "100" });
        res.write("partial");
        setTimeout(() => res.socket?.destroy(), 5);
        return;
      }
      res.end(`ok ${calls}`);
    });
    const c = client(origin, 1);
    expect(await get(c, "/close")).toEqual({ code: null, status: 200, text: "ok 1" });
    expect(await get(c)).toEqual({ code: null, status: 200, text: "ok 2" });
    expect(sockets.size).toBe(2);
    // The server drops its idle connections (as at its keep-alive timeout).
    server.closeIdleConnections();
    await sleep(20);
    expect(c.connectionCount).toBe(0);
    expect(await get(c)).toEqual({ code: null, status: 200, text: "ok 3" });
    const cut = await get(c, "/cut");
    expect([cut.code, cut.status]).toEqual(["SOCKET_CLOSED", 0]);
    expect(await get(c)).toEqual({ code: null, status: 200, text: "ok 5" });
    expect(sockets.size).toBe(4);
  });

  it("drops an idle connection before the server's announced keep-alive timeout", async () => {
    const { origin, server, sockets } = await httpServer((_req, res) => res.end("ok"));
    server.keepAliveTimeout = 1000;
    const c = client(origin, 1);
    expect((await get(c)).text).toBe("ok");
    // Past timeout - margin (0 s) the connection is not used again, though the server still has it.
    await sleep(30);
    expect((await get(c)).text).toBe("ok");
    expect(sockets.size).toBe(2);
  });

  it("gives network errors status 0: refused, and no answer in time", async () => {
    const { origin } = await httpServer(() => {
      // never answers
    });
    const dead = createNetServer();
    dead.listen(0, "127.0.0.1");
    await once(dead, "listening");
    const port = (dead.address() as AddressInfo).port;
    await new Promise((r) => dead.close(r));
    const e = (await api(`http://127.0.0.1:${port}`).query("x", undefined).catch((err: unknown) => err)) as CallError;
    expect([e.code, e.status, e.retryable]).toEqual(["ECONNREFUSED", 0, true]);
    const started = Date.now();
    const late = await get(client(origin, 1, 200));
    expect([late.code, late.status]).toEqual(["TIMEOUT", 0]);
    expect(Date.now() - started).toBeLessThan(2000);
  });

  it("close() waits for the calls in flight, then closes every connection", async () => {
    const { origin, sockets } = await httpServer(async (_req, res) => {
      await sleep(30);
      res.end("late");
    });
    const c = new HttpClient(origin, { connections: 2 });
    const calls = [get(c), get(c), get(c)];
    await sleep(5);
    await c.close();
    expect((await Promise.all(calls)).map((r) => r.text)).toEqual(["late", "late", "late"]);
    expect(c.connectionCount).toBe(0);
    await sleep(10);
    expect([...sockets].every((s) => s.destroyed)).toBe(true);
    expect((await get(c)).code).toBe("CLOSED");
  });
});

describe("HttpClient framings (raw server)", () => {
  // Sized so the chunks below are 0x2A and 0xf bytes long (hex letters in both cases).
  const body = `{"pad":"0123456789ab","name":"${NAME}","q":""}`;
  const bytes = Buffer.from(body);

  it("reads a content-length response cut at every byte", async () => {
    const wire = Buffer.concat([Buffer.from(`HTTP/1.1 201 Created\r\nContent-Length: ${bytes.length}\r\nKeep-Alive: timeout=5\r\n\r\n`), bytes]);
    const origin = await rawServer((s) => writeInPieces(s, wire, Array.from({ length: wire.length - 1 }, (_, i) => i + 1)));
    const c = client(origin, 1);
    expect(await get(c)).toEqual({ code: null, status: 201, text: body });
    // Still in step for the next one.
    expect(await get(c)).toEqual({ code: null, status: 201, text: body });
  });

  it("reads a chunked response with upper-case hex, an extension and a trailer, cut anywhere", async () => {
    const half = bytes.indexOf(Buffer.from("😀")) + 1;
    const a = bytes.subarray(0, half);
    const b = bytes.subarray(half);
    const wire = Buffer.concat([
      Buffer.from("HTTP/1.1 200 OK\r\nTRANSFER-ENCODING: chunked\r\n\r\n"),
      Buffer.from(`${a.length.toString(16).toUpperCase()};ext=1\r\n`),
      a,
      Buffer.from(`\r\n${b.length.toString(16)}\r\n`),
      b,
      Buffer.from("\r\n0\r\nx-trailer: 1\r\n\r\n"),
    ]);
    // Both cases of hex digits are on the wire.
    expect(wire.includes(`\r\n${a.length.toString(16).toUpperCase()};`) && /[A-F]/.test(a.length.toString(16).toUpperCase())).toBe(true);
    expect(/[a-f]/.test(b.length.toString(16))).toBe(true);
    for (const cut of [1, 20, 45, wire.length - 20, wire.length - 3, wire.length - 1]) {
      const origin = await rawServer((s) => writeInPieces(s, wire, [cut]));
      const c = client(origin, 1);
      expect(await get(c), `cut at ${cut}`).toEqual({ code: null, status: 200, text: body });
      expect(await get(c), `cut at ${cut}`).toEqual({ code: null, status: 200, text: body });
    }
  });

  it("skips an interim 100 response, reads 204 without a body, and an HTTP/1.0 body until close", async () => {
    const origin = await rawServer((s, request) => {
      if (request.startsWith("GET /interim")) s.write(`HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 200 OK\r\ncontent-length: ${bytes.length}\r\n\r\n${body}`);
      else if (request.startsWith("GET /empty")) s.write("HTTP/1.1 204 No Content\r\n\r\n");
      else {
        s.write("HTTP/1.0 200 OK\r\n\r\n");
        s.end(bytes);
      }
    });
    const c = client(origin, 1);
    expect(await get(c, "/interim")).toEqual({ code: null, status: 200, text: body });
    expect(await get(c, "/empty")).toEqual({ code: null, status: 204, text: "" });
    expect(await get(c, "/old")).toEqual({ code: null, status: 200, text: body });
    expect(await get(c, "/empty")).toEqual({ code: null, status: 204, text: "" });
  });

  it("drops a connection that sent more than the response, after answering", async () => {
    const accepted = new Set<Socket>();
    const origin = await rawServer((s) => {
      accepted.add(s);
      s.write(`HTTP/1.1 200 OK\r\ncontent-length: 2\r\n\r\nokHTTP/1.1 200 OK\r\n`);
    });
    const c = client(origin, 1);
    expect(await get(c)).toEqual({ code: null, status: 200, text: "ok" });
    expect(await get(c)).toEqual({ code: null, status: 200, text: "ok" });
    expect(accepted.size).toBe(2);
  });

  it("fails what is not HTTP, and a bad chunk size", async () => {
    const origin = await rawServer((s, request) => {
      if (request.startsWith("GET /garbage")) s.write("SSH-2.0-OpenSSH\r\n\r\n");
      else s.write("HTTP/1.1 200 OK\r\ntransfer-encoding: chunked\r\n\r\nzz\r\n");
    });
    const c = client(origin, 1);
    expect((await get(c, "/garbage")).code).toBe("BAD_RESPONSE");
    expect((await get(c, "/chunk")).code).toBe("BAD_CHUNK");
  });
});

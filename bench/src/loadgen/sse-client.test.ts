import { once } from "node:events";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo, Socket } from "node:net";
import { setTimeout as sleep } from "node:timers/promises";
import { afterEach, describe, expect, it } from "vitest";
import type { SseEvent } from "./sse.js";
import { completeUtf8End, openSse, type SseEnd, SseResponseParser, type SseStream } from "./sse-client.js";

// tRPC's framing (three newlines per frame), with data that has 2-, 3- and 4-byte UTF-8 characters.
const FRAMES = [
  'event: connected\ndata: {"reconnectAfterInactivityMs":25000}\n\n\n',
  'data: {"state":"WAITING","ahead":3,"name":"café €5 😀"}\nid: W:3\n\n\n',
  "event: ping\ndata: \n\n\n",
  'data: {"state":"ADMITTED","ahead":0,"name":"ñ"}\nid: A:0\n\n\n',
];
const EXPECTED = [
  ["connected", '{"reconnectAfterInactivityMs":25000}', null],
  [null, '{"state":"WAITING","ahead":3,"name":"café €5 😀"}', "W:3"],
  ["ping", "", null],
  [null, '{"state":"ADMITTED","ahead":0,"name":"ñ"}', "A:0"],
];

/** A chunked response as node:http writes it, with the odd legal bits (hex case, an extension, a trailer). */
function chunkedWire(): Buffer {
  const parts: Buffer[] = [Buffer.from("HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\nTransfer-Encoding: chunked\r\n\r\n")];
  FRAMES.forEach((f, k) => {
    const body = Buffer.from(f);
    const size = k === 3 ? body.length.toString(16).toUpperCase() : body.length.toString(16);
    parts.push(Buffer.from(`${size}${k === 2 ? ";ext=1" : ""}\r\n`), body, Buffer.from("\r\n"));
  });
  parts.push(Buffer.from("0\r\nx-trailer: 1\r\n\r\n"));
  const wire = Buffer.concat(parts);
  // Both cases of hex digits are on the wire (frame sizes 0x3e and 0x3B).
  if (!wire.includes("\r\n3e\r\n") || !wire.includes("\r\n3B\r\n")) throw new Error("the test frames changed size");
  return wire;
}

function collect() {
  const events: SseEvent[] = [];
  const ends: SseEnd[] = [];
  let opened = 0;
  const parser = new SseResponseParser({
    onOpen: () => {
      opened++;
    },
    onEvent: (ev) => {
      events.push(ev);
      return false;
    },
    onEnd: (end) => {
      ends.push(end);
    },
  });
  return { parser, events, ends, opened: () => opened };
}

const triples = (events: SseEvent[]) => events.map((e) => [e.event, e.data, e.id]);

describe("SseResponseParser", () => {
  it("reads a chunked SSE response cut at any one place, and byte by byte", () => {
    const wire = chunkedWire();
    for (let cut = 0; cut <= wire.length; cut++) {
      const c = collect();
      c.parser.push(wire.subarray(0, cut));
      c.parser.push(wire.subarray(cut));
      expect(triples(c.events), `cut at ${cut}`).toEqual(EXPECTED);
      expect(c.ends).toEqual([{ kind: "end" }]);
      expect(c.opened()).toBe(1);
    }
    const c = collect();
    for (let i = 0; i < wire.length; i++) c.parser.push(wire.subarray(i, i + 1));
    expect(triples(c.events)).toEqual(EXPECTED);
    expect(c.ends).toEqual([{ kind: "end" }]);
  });

  it("reads it cut at any two places", () => {
    const wire = chunkedWire();
    // Every pair is ~100k parses; a stride keeps the test quick while still crossing every field.
    for (let a = 0; a <= wire.length; a += 3) {
      for (let b = a; b <= wire.length; b += 5) {
        const c = collect();
        c.parser.push(wire.subarray(0, a));
        c.parser.push(wire.subarray(a, b));
        c.parser.push(wire.subarray(b));
        expect(triples(c.events), `cuts at ${a}, ${b}`).toEqual(EXPECTED);
        expect(c.ends).toEqual([{ kind: "end" }]);
      }
    }
  });

  it("reads content-length and until-close bodies", () => {
    const body = Buffer.from(FRAMES.join(""));
    const withLength = Buffer.concat([Buffer.from(`HTTP/1.1 200 OK\r\ncontent-length: ${body.length}\r\n\r\n`), body]);
    const c = collect();
    c.parser.push(withLength.subarray(0, 100));
    c.parser.push(withLength.subarray(100));
    expect(triples(c.events)).toEqual(EXPECTED);
    expect(c.ends).toEqual([{ kind: "end" }]);

    const untilClose = Buffer.concat([Buffer.from("HTTP/1.0 200 OK\r\n\r\n"), body]);
    const d = collect();
    d.parser.push(untilClose.subarray(0, 150));
    d.parser.push(untilClose.subarray(150));
    expect(d.ends).toEqual([]);
    d.parser.eof();
    expect(triples(d.events)).toEqual(EXPECTED);
    expect(d.ends).toEqual([{ kind: "end" }]);
  });

  it("ends at a status other than 200 without reading the body, and on what is not HTTP", () => {
    const c = collect();
    c.parser.push(Buffer.from('HTTP/1.1 401 Unauthorized\r\ncontent-length: 2\r\n\r\n{}'));
    expect(c.ends).toEqual([{ kind: "status", status: 401 }]);
    expect(c.opened()).toBe(0);

    const d = collect();
    d.parser.push(Buffer.from("SSH-2.0-OpenSSH\r\n\r\n"));
    expect(d.ends).toEqual([{ kind: "error", code: "BAD_RESPONSE" }]);

    const e = collect();
    e.parser.push(Buffer.from("HTTP/1.1 200 OK\r\ntransfer-encoding: chunked\r\n\r\nzz\r\n"));
    expect(e.ends).toEqual([{ kind: "error", code: "BAD_CHUNK" }]);
  });

  it("calls a connection closed mid-response an error", () => {
    const wire = chunkedWire();
    const c = collect();
    c.parser.push(wire.subarray(0, wire.length - 10));
    c.parser.eof();
    expect(c.events.length).toBe(EXPECTED.length);
    expect(c.ends).toEqual([{ kind: "error", code: "SOCKET_CLOSED" }]);
  });

  it("delivers nothing after the handler says it is done", () => {
    const events: SseEvent[] = [];
    const parser = new SseResponseParser({
      onEvent: (ev) => {
        events.push(ev);
        return ev.id === "W:3";
      },
      onEnd: () => {
        throw new Error("a stopped parser does not end");
      },
    });
    parser.push(chunkedWire());
    expect(events.map((e) => e.id)).toEqual([null, "W:3"]);
    expect(parser.stopped).toBe(true);
  });
});

describe("completeUtf8End", () => {
  it("holds back exactly the bytes of a character cut at the end", () => {
    const text = "a é € 😀";
    const bytes = Buffer.from(text);
    for (let to = 0; to <= bytes.length; to++) {
      const end = completeUtf8End(bytes, 0, to);
      // What is kept decodes cleanly and is the longest such prefix.
      expect(bytes.toString("utf8", 0, end)).not.toContain("\uFFFD");
      expect(text.startsWith(bytes.toString("utf8", 0, end))).toBe(true);
      expect(to - end).toBeLessThan(4);
      if (to === bytes.length) expect(end).toBe(to);
    }
  });
});

// --------------------------------------------------------------- against a real node:http server
let server: Server | null = null;
const sockets = new Set<Socket>();

async function serve(handler: (req: IncomingMessage, res: ServerResponse) => void): Promise<number> {
  server = createServer(handler);
  server.on("connection", (s: Socket) => {
    sockets.add(s);
    s.on("close", () => sockets.delete(s));
  });
  server.listen(0, "127.0.0.1");
  await once(server, "listening");
  return (server.address() as AddressInfo).port;
}

afterEach(async () => {
  for (const s of sockets) s.destroy();
  if (server) await new Promise((r) => server?.close(r));
  server = null;
});

function watch(port: number, opts: { path?: string; stopAt?: string; headersTimeoutMs?: number } = {}) {
  const events: SseEvent[] = [];
  let opened = 0;
  const stream: SseStream = openSse({
    host: "127.0.0.1",
    port,
    path: opts.path ?? "/watch?x=1",
    headers: { authorization: "Bearer tok" },
    headersTimeoutMs: opts.headersTimeoutMs ?? 5_000,
    onOpen: () => {
      opened++;
    },
    onEvent: (ev) => {
      events.push(ev);
      return ev.id === opts.stopAt;
    },
  });
  return { stream, events, opened: () => opened };
}

describe("openSse against node:http", () => {
  it("sends the request headers, reads node's chunked frames, and ends when the server ends", async () => {
    let seen: IncomingMessage | undefined;
    const port = await serve(async (req, res) => {
      seen = req;
      res.writeHead(200, { "content-type": "text/event-stream" });
      for (const f of FRAMES) {
        res.write(f);
        await sleep(2);
      }
      // The response ends as at the server's max duration.
      res.end();
    });
    const w = watch(port);
    expect(await w.stream.done).toEqual({ kind: "end" });
    expect(triples(w.events)).toEqual(EXPECTED);
    expect(w.opened()).toBe(1);
    expect(seen?.url).toBe("/watch?x=1");
    expect(seen?.headers.accept).toBe("text/event-stream");
    expect(seen?.headers.authorization).toBe("Bearer tok");
  });

  it("reads bytes the server sends in tiny pieces (frames, sizes and characters cut anywhere)", async () => {
    const wire = chunkedWire();
    const port = await serve(async (req) => {
      const socket = req.socket;
      socket.setNoDelay(true);
      for (let i = 0; i < wire.length; i += 3) {
        socket.write(wire.subarray(i, i + 3));
        await sleep(1);
      }
    });
    const w = watch(port);
    expect(await w.stream.done).toEqual({ kind: "end" });
    expect(triples(w.events)).toEqual(EXPECTED);
  });

  it("reports a status other than 200", async () => {
    const port = await serve((_req, res) => {
      res.writeHead(401, { "content-type": "application/json" });
      res.end('{"error":"UNAUTHORIZED"}');
    });
    const w = watch(port);
    expect(await w.stream.done).toEqual({ kind: "status", status: 401 });
    expect(w.opened()).toBe(0);
  });

  it("closes the socket when the handler is done, and on close()", async () => {
    const closed: Promise<unknown>[] = [];
    const port = await serve((req, res) => {
      closed.push(once(req.socket, "close"));
      res.writeHead(200, { "content-type": "text/event-stream" });
      res.write(FRAMES.join(""));
    });
    const w = watch(port, { stopAt: "W:3" });
    expect(await w.stream.done).toEqual({ kind: "closed" });
    expect(w.events.map((e) => e.id)).toEqual([null, "W:3"]);
    await closed[0];

    const v = watch(port);
    while (v.events.length < EXPECTED.length) await sleep(5);
    v.stream.close();
    expect(await v.stream.done).toEqual({ kind: "closed" });
    await closed[1];
  });

  it("reports a server that drops the connection mid-stream, one that never answers, and one that is not there", async () => {
    const port = await serve((req, res) => {
      if (req.url === "/silent") return;
      res.writeHead(200, { "content-type": "text/event-stream" });
      res.write(FRAMES[0]);
      setTimeout(() => req.socket.destroy(), 20);
    });
    const w = watch(port);
    expect(await w.stream.done).toEqual({ kind: "error", code: "SOCKET_CLOSED" });
    expect(w.events.length).toBe(1);

    const silent = watch(port, { path: "/silent", headersTimeoutMs: 100 });
    expect(await silent.stream.done).toEqual({ kind: "error", code: "HEADERS_TIMEOUT" });

    await new Promise((r) => server?.close(r));
    for (const s of sockets) s.destroy();
    server = null;
    const gone = watch(port);
    expect(await gone.stream.done).toEqual({ kind: "error", code: "ECONNREFUSED" });
  });
});

import { once } from "node:events";
import { type Http2Server, type ServerHttp2Stream, createServer } from "node:http2";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { SseEvent } from "./sse.js";
import { H2SseConnections } from "./sse-h2-client.js";

// A bare h2c server: /ok streams two events then waits (or ends with ?end), /missing is a 404.
let server: Http2Server;
let origin: string;
const open = new Set<ServerHttp2Stream>();
let sessions = 0;
beforeAll(async () => {
  server = createServer();
  server.on("session", () => sessions++);
  server.on("stream", (stream, headers) => {
    const path = String(headers[":path"]);
    if (path.startsWith("/missing")) {
      stream.respond({ ":status": 404 });
      stream.end();
      return;
    }
    open.add(stream);
    stream.on("close", () => open.delete(stream));
    stream.respond({ ":status": 200, "content-type": "text/event-stream" });
    stream.write('event: connected\ndata: {}\n\n\ndata: {"n":1}\nid: 1\n\n\n');
    // The second event cut mid-character: the client must not split the "é".
    const second = Buffer.from('data: {"n":"é2"}\nid: 2\n\n\n');
    stream.write(second.subarray(0, 13));
    setTimeout(() => {
      stream.write(second.subarray(13));
      if (path.endsWith("?end")) stream.end();
    }, 20);
  });
  server.listen(0, "127.0.0.1");
  await once(server, "listening");
  const addr = server.address();
  origin = `http://127.0.0.1:${typeof addr === "object" && addr ? addr.port : 0}`;
});
afterAll(() => server.close());

describe("H2SseConnections", () => {
  it("shares connections up to the given streams each, and parses every event", async () => {
    const before = sessions;
    const pool = new H2SseConnections(origin, 3);
    const seen: SseEvent[][] = [];
    let opened = 0;
    const streams = Array.from({ length: 7 }, (_, i) => {
      seen[i] = [];
      return pool.open({ path: `/ok?end`, onOpen: () => opened++, onEvent: (ev) => {
          seen[i]!.push(ev);
          return false;
        },
      });
    });
    const ends = await Promise.all(streams.map((s) => s.done));
    expect(ends.every((e) => e.kind === "end")).toBe(true);
    expect(opened).toBe(7);
    expect(sessions - before).toBe(3);
    for (const events of seen) {
      expect(events.map((e) => [e.event, e.data, e.id])).toEqual([
        ["connected", "{}", null],
        [null, '{"n":1}', "1"],
        [null, '{"n":"é2"}', "2"],
      ]);
    }
    pool.close();
  });

  it("reports another status, stops where the handler says, and closes once", async () => {
    const pool = new H2SseConnections(origin, 10);
    const missing = pool.open({ path: "/missing", onEvent: () => false });
    expect(await missing.done).toEqual({ kind: "status", status: 404 });

    // The handler is done at the first data event: the stream is reset, the server sees it close.
    let events = 0;
    const stopped = pool.open({
      path: "/ok",
      onEvent: (ev) => {
        events++;
        return ev.event === null;
      },
    });
    expect(await stopped.done).toEqual({ kind: "closed" });
    expect(events).toBe(2);

    const held = pool.open({ path: "/ok", onEvent: () => false });
    await new Promise((r) => setTimeout(r, 50));
    const openBefore = open.size;
    expect(openBefore).toBeGreaterThan(0);
    held.close();
    held.close();
    expect(await held.done).toEqual({ kind: "closed" });
    for (let i = 0; i < 50 && open.size === openBefore; i++) await new Promise((r) => setTimeout(r, 10));
    expect(open.size).toBe(openBefore - 1);
    pool.close();
  });

  it("ends every stream of a connection that is cut, and opens a new connection after", async () => {
    const pool = new H2SseConnections(origin, 10);
    const a = pool.open({ path: "/ok", onEvent: () => false });
    const b = pool.open({ path: "/ok", onEvent: () => false });
    await new Promise((r) => setTimeout(r, 50));
    for (const s of open) s.session?.destroy();
    // A reset with NO_ERROR looks like the server's end of the response: either way the watcher
    // resumes with its last event id; only a stream it closed itself is "closed".
    const ends = await Promise.all([a.done, b.done]);
    for (const end of ends) expect(["end", "error"]).toContain(end.kind);
    expect(ends.some((e) => e.kind === "error")).toBe(true);
    // A new stream gets a new connection.
    const c = pool.open({ path: "/ok?end", onEvent: () => false });
    expect(await c.done).toEqual({ kind: "end" });
    pool.close();
  });
});

/**
 * What one SSE event costs the server: the same tRPC subscription (an async generator woken by a
 * broadcast, yielding `tracked(version, status)` like queue.watch) served three ways —
 *   stock:  tRPC's node adapter (what the API's lean handler used to hand subscriptions to),
 *   direct: node:http calling the procedure through createCaller and writing the SSE frames itself,
 *   lean:   the API's lean handler (packages/api/src/http/sse.ts), from packages/api/dist: it is
 *           skipped when the API is not built (`npm run build -w @quickdeal/api`);
 *   push:   the lean handler again, with a subscription that is also a push source
 *           (packages/api/src/push-source.ts, as queue.watch is): the writer pushes each frame from
 *           the broadcast itself instead of stepping a generator;
 *   push-h2: push again, the streams over HTTP/2 without TLS (node:http2), 100 to a connection.
 * The server runs in a child process; this process holds the streams and broadcasts ticks.
 *
 *   node bench/dist/micro/sse-cost.js [--watchers 2000] [--ticks 10] [--interval-ms 1000]
 * Writes bench-results/sse-cost.json.
 */
import { fork } from "node:child_process";
import { once, setMaxListeners } from "node:events";
import { mkdir, writeFile } from "node:fs/promises";
import { type IncomingMessage, type ServerResponse, createServer } from "node:http";
import { type ClientHttp2Session, type Http2ServerRequest, type Http2ServerResponse, connect as h2connect, createServer as createH2Server } from "node:http2";
import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { existsSync } from "node:fs";
import { fileURLToPath, pathToFileURL } from "node:url";
import { parseArgs } from "node:util";
import { initTRPC, tracked } from "@trpc/server";
import { createHTTPHandler } from "@trpc/server/adapters/standalone";
import { Pool } from "undici";
import { z } from "zod";
import { SseParser } from "../loadgen/sse.js";
import { load1, machine, ROOT } from "../run/machine.js";
import { memStatus } from "../run/procs.js";
import { runMicro, wholeNumber } from "./args.js";

type Mode = "stock" | "direct" | "lean" | "push" | "push-h2";
/** Streams per connection in push-h2 mode. */
const H2_STREAMS = 100;

// Only the HTTP layer of the built API, not its services (keeps the server's RSS comparable).
const LEAN_HTTP = join(ROOT, "packages/api/dist/http/index.js");
const PUSH_SOURCE = join(ROOT, "packages/api/dist/push-source.js");
type PushSink = { next(value: unknown): boolean; done(): void; fail(err: unknown): void };
type PushModule = { PUSH: symbol };
type LeanModule = {
  createLeanHandler(opts: { router: unknown; basePath?: string }): (req: IncomingMessage, res: ServerResponse) => void;
};

// ------------------------------------------------------------------ server (child process)
/** About the size of a TicketStatus. */
function statusOf(id: number, version: number) {
  return {
    ticket: `v1.${id}.${"x".repeat(120)}`,
    productId: 7,
    seq: id,
    state: "WAITING",
    ahead: id - version,
    etaSec: 42,
    stockLeft: 1000 - version,
    admitted: 200,
    capacity: 200,
    expiresAt: null,
    orderId: null,
    version: `W:${id - version}:42:${1000 - version}:200`,
  };
}

function buildRouter(PUSH?: symbol) {
  // The API's SSE settings (packages/api/src/trpc.ts).
  const t = initTRPC.create({ isDev: false, sse: { ping: { enabled: true, intervalMs: 10_000 }, client: { reconnectAfterInactivityMs: 25_000 } } });
  const listeners = new Set<() => void>();
  let version = 0;
  const router = t.router({
    watch: t.procedure.input(z.object({ id: z.number().int() })).subscription(async function* ({ input, signal }) {
      let wake: (() => void) | null = null;
      let dirty = true;
      const listener = () => {
        dirty = true;
        wake?.();
      };
      listeners.add(listener);
      signal?.addEventListener("abort", listener);
      try {
        while (!signal?.aborted) {
          if (dirty) {
            dirty = false;
            const status = statusOf(input.id, version);
            yield tracked(status.version, status);
          }
          await new Promise<void>((resolve) => {
            wake = resolve;
            if (dirty || signal?.aborted) resolve();
          });
          wake = null;
        }
      } finally {
        listeners.delete(listener);
      }
    }),
  });
  // The same stream as `watch`, also pushable: the lean writer hands it a sink, others iterate it.
  const pushRouter = t.router({
    watch: t.procedure.input(z.object({ id: z.number().int() })).subscription(({ input, signal }) => {
      return {
        async *[Symbol.asyncIterator]() {
          yield* (await t.createCallerFactory(router)({}, { signal }).watch(input)) as AsyncIterable<unknown>;
        },
        ...(PUSH
          ? {
              [PUSH](sink: PushSink) {
                let full = false;
                let dirty = false;
                const send = () => {
                  const status = statusOf(input.id, version);
                  full = !sink.next(tracked(status.version, status));
                };
                const listener = () => {
                  if (full) dirty = true;
                  else send();
                };
                listeners.add(listener);
                send();
                return {
                  resume() {
                    full = false;
                    if (dirty) {
                      dirty = false;
                      send();
                    }
                  },
                  stop: () => listeners.delete(listener),
                };
              },
            }
          : {}),
      };
    }),
  });
  return {
    t,
    router,
    pushRouter,
    tick() {
      version++;
      for (const l of listeners) l();
    },
  };
}

async function serve(mode: Mode): Promise<void> {
  const pushing = mode === "push" || mode === "push-h2";
  const PUSH = pushing ? ((await import(pathToFileURL(PUSH_SOURCE).href)) as PushModule).PUSH : undefined;
  const { t, router, pushRouter, tick } = buildRouter(PUSH);
  const lean =
    mode === "lean" || pushing
      ? ((await import(pathToFileURL(LEAN_HTTP).href)) as LeanModule).createLeanHandler({ router: pushing ? pushRouter : router })
      : null;
  const server = lean
    ? mode === "push-h2"
      ? // node's compatibility request/response, as the API's h2c side serves them
        createH2Server(lean as unknown as (req: Http2ServerRequest, res: Http2ServerResponse) => void)
      : createServer(lean)
    : mode === "stock"
      ? createServer(createHTTPHandler({ router, basePath: "/api/trpc/" }))
      : createServer((req, res) => {
          const url = new URL(req.url ?? "/", "http://localhost");
          const input = JSON.parse(url.searchParams.get("input") ?? "{}") as { id: number };
          const ac = new AbortController();
          res.on("close", () => ac.abort());
          const caller = t.createCallerFactory(router)({}, { signal: ac.signal });
          res.writeHead(200, { "content-type": "text/event-stream", "cache-control": "no-cache, no-transform", connection: "keep-alive" });
          res.write('event: connected\ndata: {"reconnectAfterInactivityMs":25000}\n\n');
          void (async () => {
            const iterable = (await caller.watch(input)) as AsyncIterable<unknown>;
            for await (const v of iterable) {
              const [id, data] = v as [string, unknown];
              res.write(`data: ${JSON.stringify(data)}\nid: ${id}\n\n`);
            }
            res.end();
          })().catch(() => res.destroy());
        });
  server.listen(0, "127.0.0.1");
  await once(server, "listening");
  const addr = server.address();
  process.send?.({ port: typeof addr === "object" && addr ? addr.port : 0 });
  process.on("message", (msg: { cmd: string }) => {
    if (msg.cmd === "tick") tick();
    else if (msg.cmd === "cpu") {
      const u = process.cpuUsage();
      process.send?.({ cpuUs: u.user + u.system, rss: memStatus(process.pid)?.rssBytes ?? 0 });
    }
  });
  process.on("disconnect", () => process.exit(0));
}

// ------------------------------------------------------------------ driver (this process)
interface Measured {
  mode: Mode;
  watchers: number;
  ticks: number;
  delivered: number;
  deliveredShare: number;
  serverCpuUsPerEvent: number;
  /** Tick sent → the last watcher got it (ms), median and worst over the ticks. */
  fanOutMsP50: number;
  fanOutMsMax: number;
  serverRssMb: number;
}

async function measure(mode: Mode, watchers: number, ticks: number, intervalMs: number): Promise<Measured> {
  const child = fork(fileURLToPath(import.meta.url), ["--serve", mode], { stdio: "inherit" });
  const ask = async <T>(cmd: string): Promise<T> => {
    const reply = once(child, "message");
    child.send({ cmd });
    return (await reply)[0] as T;
  };
  const [{ port }] = (await once(child, "message")) as [{ port: number }];
  const origin = `http://127.0.0.1:${port}`;
  const pool = new Pool(origin, { connections: watchers, pipelining: 1, bodyTimeout: 0 });
  const sessions: ClientHttp2Session[] = [];
  /** The body of one stream: over undici's pool, or a stream on a shared HTTP/2 connection. */
  const open = async (id: number, path: string): Promise<AsyncIterable<Buffer | string>> => {
    if (mode !== "push-h2") {
      const res = await pool.request({ method: "GET", path, headers: { accept: "text/event-stream" }, signal: ac.signal });
      return res.body;
    }
    const k = Math.floor(id / H2_STREAMS);
    let session = sessions[k];
    if (!session) {
      session = sessions[k] = h2connect(origin);
      session.on("error", () => undefined);
    }
    const stream = session.request({ ":path": path, accept: "text/event-stream" }, { signal: ac.signal });
    stream.on("error", () => undefined);
    return stream;
  };
  const ac = new AbortController();
  setMaxListeners(0, ac.signal);
  let connected = 0;
  let received = 0;
  const perTick = new Map<number, number>();
  let currentTick = 0;
  const tickSentAt: number[] = [];
  const lastAt: number[] = [];
  const streams = Array.from({ length: watchers }, async (_, id) => {
    const input = encodeURIComponent(JSON.stringify({ id: id + 1_000_000 }));
    const body = await open(id, `/api/trpc/watch?input=${input}`);
    const parser = new SseParser();
    const decoder = new TextDecoder();
    let first = true;
    try {
      for await (const chunk of body) {
        for (const ev of parser.push(decoder.decode(chunk as Buffer, { stream: true }))) {
          if (ev.event !== null) continue;
          if (first) {
            first = false;
            connected++;
            continue;
          }
          received++;
          perTick.set(currentTick, (perTick.get(currentTick) ?? 0) + 1);
          lastAt[currentTick] = performance.now();
        }
      }
    } catch {
      // aborted at the end
    }
  });
  for (let i = 0; i < 600 && connected < watchers; i++) await sleep(100);
  await sleep(500);
  const before = await ask<{ cpuUs: number }>("cpu");
  for (let k = 1; k <= ticks; k++) {
    currentTick = k;
    tickSentAt[k] = performance.now();
    child.send({ cmd: "tick" });
    await sleep(intervalMs);
  }
  for (let i = 0; i < 100 && received < watchers * ticks; i++) await sleep(100);
  const after = await ask<{ cpuUs: number; rss: number }>("cpu");
  ac.abort();
  await Promise.race([Promise.allSettled(streams), sleep(3000)]);
  await pool.destroy().catch(() => undefined);
  for (const session of sessions) session.destroy();
  child.kill("SIGTERM");
  const fan = [...Array(ticks).keys()].map((i) => (lastAt[i + 1] ?? Number.NaN) - (tickSentAt[i + 1] ?? 0)).filter(Number.isFinite).sort((a, b) => a - b);
  return {
    mode,
    watchers,
    ticks,
    delivered: received,
    deliveredShare: Math.round((received / (watchers * ticks)) * 1000) / 1000,
    serverCpuUsPerEvent: received > 0 ? Math.round((after.cpuUs - before.cpuUs) / received) : 0,
    fanOutMsP50: Math.round(fan[Math.floor(fan.length / 2)] ?? 0),
    fanOutMsMax: Math.round(fan.at(-1) ?? 0),
    serverRssMb: Math.round(after.rss / 2 ** 20),
  };
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: { serve: { type: "string" }, watchers: { type: "string" }, ticks: { type: "string" }, "interval-ms": { type: "string" } },
    strict: true,
    allowPositionals: false,
  });
  if (values.serve) return serve(values.serve as Mode);
  const watchers = wholeNumber("watchers", values.watchers, 2000);
  const ticks = wholeNumber("ticks", values.ticks, 10);
  const intervalMs = wholeNumber("interval-ms", values["interval-ms"], 1000);
  const loadBefore = load1();
  const results: Measured[] = [];
  const modes: Mode[] = ["stock", "direct"];
  if (existsSync(LEAN_HTTP)) modes.push("lean");
  if (existsSync(LEAN_HTTP) && existsSync(PUSH_SOURCE)) modes.push("push", "push-h2");
  else console.log(`lean    skipped: ${LEAN_HTTP} is missing (build the API first)`);
  for (const mode of modes) {
    const r = await measure(mode, watchers, ticks, intervalMs);
    console.log(
      `${mode.padEnd(7)} ${r.watchers} watchers × ${r.ticks} ticks: ${r.delivered} events (${Math.round(r.deliveredShare * 100)}%), ` +
        `server ${r.serverCpuUsPerEvent} µs CPU per event, fan-out ${r.fanOutMsP50} ms (max ${r.fanOutMsMax}), RSS ${r.serverRssMb} MiB`,
    );
    results.push(r);
  }
  const out = { measuredAt: new Date().toISOString(), machine: machine(), loadAverage1m: { before: loadBefore, after: load1() }, intervalMs, results };
  const dir = join(ROOT, "bench-results");
  await mkdir(dir, { recursive: true });
  await writeFile(join(dir, "sse-cost.json"), `${JSON.stringify(out, null, 2)}\n`);
  process.exit(0);
}

await runMicro("node bench/dist/micro/sse-cost.js [--watchers 2000] [--ticks 10] [--interval-ms 1000]", main);

// Subscriptions (SSE): the lean handler writes the event stream itself, and must stay
// indistinguishable from tRPC's stock adapter for httpSubscriptionLink and a plain EventSource.
// Each scenario runs against both servers; the raw bytes of deterministic streams are compared.
import { type IncomingMessage, request as httpRequest, type Server, type ServerResponse, createServer } from "node:http";
import { type TRPCClientError, createTRPCClient, httpLink, httpSubscriptionLink, splitLink } from "@trpc/client";
import { TRPCError, initTRPC, tracked } from "@trpc/server";
import { createHTTPHandler } from "@trpc/server/adapters/standalone";
import type { TRPCRequestInfo } from "@trpc/server/http";
import { EventSource } from "eventsource";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { z } from "zod";
import { closeServer, createApiServer, createLeanHandler, listen } from "../src/http/index.js";
import { PUSH, type PushSource } from "../src/push-source.js";

// ---------------------------------------------------------------- test router
interface Ctx {
  token: string | null;
}

const t = initTRPC.context<Ctx>().create({
  isDev: false,
  errorFormatter({ shape }) {
    const { stack: _stack, ...data } = shape.data;
    return { ...shape, data: { ...data, formatted: true } };
  },
  sse: {
    ping: { enabled: true, intervalMs: 200 },
    maxDurationMs: 2_000,
    client: { reconnectAfterInactivityMs: 1_000 },
  },
});

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
/** Resolves when the signal aborts (a generator's way to wait for the client to leave). */
const aborted = (signal: AbortSignal | undefined) =>
  new Promise<void>((resolve) => {
    if (!signal || signal.aborted) resolve();
    else signal.addEventListener("abort", () => resolve(), { once: true });
  });

/** Streams currently inside a generator, and what their `finally` blocks reported. */
const open = new Set<string>();
const closed: string[] = [];
let floodYields = 0;


/**
 * A push source over a list, ending with `end` (an error) or the return event, or never (`open`):
 * the stock adapter iterates it, the lean writer pushes it. `pushed` counts values handed over.
 */
let pushed = 0;
/** Sources started by push rather than iteration. */
let pushStarts = 0;
function listSource<T>(values: readonly T[], opts: { end?: Error; open?: string; forever?: T; signal?: AbortSignal } = {}): PushSource<T> {
  const opened = () => opts.open !== undefined && open.add(opts.open);
  const ended = () => {
    if (opts.open === undefined) return;
    open.delete(opts.open);
    closed.push(opts.open);
  };
  return {
    async *[Symbol.asyncIterator]() {
      opened();
      try {
        for (const v of values) {
          pushed++;
          yield v;
        }
        if (opts.forever !== undefined) {
          for (;;) {
            pushed++;
            yield opts.forever;
          }
        }
        if (opts.open !== undefined) await aborted(opts.signal);
        if (opts.end) throw opts.end;
      } finally {
        ended();
      }
    },
    [PUSH](sink) {
      pushStarts++;
      opened();
      let i = 0;
      let stopped = false;
      const stop = () => {
        if (stopped) return;
        stopped = true;
        ended();
      };
      const run = () => {
        while (!stopped && i < values.length) {
          pushed++;
          if (!sink.next(values[i++]!)) return;
        }
        while (!stopped && opts.forever !== undefined) {
          pushed++;
          if (!sink.next(opts.forever)) return;
        }
        if (stopped || opts.open !== undefined) return;
        stop();
        if (opts.end) sink.fail(opts.end);
        else sink.done();
      };
      run();
      return { resume: run, stop };
    },
  };
}

const authed = t.procedure.use(({ ctx, next }) => {
  if (ctx.token !== "secret") throw new TRPCError({ code: "UNAUTHORIZED", message: "Who are you?" });
  return next({ ctx: { token: ctx.token } });
});

const router = t.router({
  feed: t.procedure
    .input(
      z.object({
        n: z.number().int().min(0).max(100),
        tracked: z.boolean().default(true),
        fail: z.boolean().default(false),
        lastEventId: z.string().nullish(),
      }),
    )
    .subscription(async function* ({ input }) {
      const from = input.lastEventId ?? null;
      for (let i = 1; i <= input.n; i++) {
        const data = { i, from, text: "ünïcødé ✓ \"quoted\"\nline" };
        yield input.tracked ? tracked(`e${i}`, data) : data;
      }
      if (input.fail) throw new TRPCError({ code: "CONFLICT", message: "Gone wrong after start" });
    }),
  mixed: t.procedure.subscription(async function* () {
    yield tracked("a", 1);
    yield 2;
    yield tracked("b", 3);
  }),
  quiet: t.procedure.subscription(async function* () {
    // one ping (200 ms) before the value (300 ms), none after it
    await sleep(300);
    yield "late";
  }),
  crash: t.procedure.subscription(async function* () {
    yield "first";
    throw new Error("database exploded");
  }),
  bigint: t.procedure.subscription(async function* () {
    yield { id: 10n };
  }),
  notIterable: t.procedure.subscription((() => 5) as unknown as () => AsyncIterable<number>),
  guarded: authed.subscription(async function* ({ ctx }) {
    yield { token: ctx.token };
  }),
  held: t.procedure.input(z.object({ id: z.string() })).subscription(async function* ({ input, signal }) {
    open.add(input.id);
    try {
      yield tracked("1", { id: input.id });
      await aborted(signal);
    } finally {
      open.delete(input.id);
      closed.push(input.id);
    }
  }),
  endless: t.procedure.input(z.object({ lastEventId: z.string().nullish() }).optional()).subscription(async function* ({ input, signal }) {
    let i = Number(input?.lastEventId ?? 0);
    while (!signal?.aborted) {
      yield tracked(String(++i), i);
      await sleep(50);
    }
  }),
  flood: t.procedure.subscription(async function* ({ signal }) {
    const big = "x".repeat(16 * 1024);
    try {
      while (!signal?.aborted) {
        floodYields++;
        yield big;
      }
    } finally {
      closed.push("flood");
    }
  }),
  pushFeed: t.procedure
    .input(z.object({ n: z.number().int().min(0).max(100), fail: z.boolean().default(false), lastEventId: z.string().nullish() }))
    .subscription(({ input }) => {
      const from = input.lastEventId ?? null;
      const values = Array.from({ length: input.n }, (_, k) => {
        const data = { i: k + 1, from, text: "ünïcødé ✓ \"quoted\"\nline" };
        return k % 2 === 0 ? tracked(`e${k + 1}`, data) : data;
      });
      return listSource(values, { end: input.fail ? new TRPCError({ code: "CONFLICT", message: "Gone wrong after start" }) : undefined });
    }),
  pushFailsFirst: t.procedure.subscription(() => listSource([], { end: new TRPCError({ code: "NOT_FOUND", message: "No such ticket" }) })),
  pushBigint: t.procedure.subscription(() => listSource<unknown>([{ ok: 1 }, { id: 10n }])),
  pushHeld: t.procedure.input(z.object({ id: z.string() })).subscription(({ input, signal }) => listSource([tracked("1", { id: input.id })], { open: input.id, signal })),
  pushFlood: t.procedure.subscription(() => listSource<string>([], { open: "pushFlood", forever: "x".repeat(16 * 1024) })),
  plain: t.procedure.query(() => "q"),
});
type SseRouter = typeof router;

function createContext({ req, info }: { req: IncomingMessage; res: ServerResponse; info: TRPCRequestInfo }): Ctx {
  if (req.headers["x-fail-context"]) throw new TRPCError({ code: "FORBIDDEN", message: "Bad context" });
  return { token: info.connectionParams?.token ?? null };
}

// ---------------------------------------------------------------- servers
type Logged = { path: string | undefined; type: string; code: string; input: unknown };
interface Target {
  name: "stock" | "lean";
  url: string;
  server: Server;
  errors: Logged[];
}
const targets = {} as Record<"stock" | "lean", Target>;
const ORIGIN = "http://shop.test";

beforeAll(async () => {
  const log = (into: Logged[]) => (o: { path: string | undefined; type: string; error: TRPCError; input: unknown }) =>
    into.push({ path: o.path, type: o.type, code: o.error.code, input: o.input });
  const stockErrors: Logged[] = [];
  const leanErrors: Logged[] = [];
  const stock = createServer(
    createHTTPHandler({
      router,
      createContext,
      basePath: "/api/trpc",
      onError: log(stockErrors),
      // as the lean handler with CORS answers: Vary also names Origin
      responseMeta: () => ({ headers: new Headers({ vary: "Origin" }) }),
    }),
  );
  const lean = createApiServer({
    handler: createLeanHandler({ router, createContext, onError: log(leanErrors), cors: { origins: [ORIGIN] } }),
  });
  targets.stock = { name: "stock", url: `http://127.0.0.1:${await listen(stock, 0)}`, server: stock, errors: stockErrors };
  targets.lean = { name: "lean", url: `http://127.0.0.1:${await listen(lean, 0)}`, server: lean, errors: leanErrors };
});
afterAll(async () => {
  await Promise.all([closeServer(targets.stock.server, 500), closeServer(targets.lean.server, 500)]);
});

async function both<T>(scenario: (target: Target) => Promise<T>): Promise<[T, T]> {
  targets.stock.errors.length = 0;
  targets.lean.errors.length = 0;
  const stock = await scenario(targets.stock);
  const lean = await scenario(targets.lean);
  return [stock, lean];
}

const enc = (v: unknown) => encodeURIComponent(JSON.stringify(v));

interface RawStream {
  status: number;
  headers: Record<string, string | null>;
  text: string;
  /** The server ended the response (as opposed to the test stopping to read). */
  ended: boolean;
}

/** Reads a response as text until it ends, `until` holds or the time is up; then hangs up. */
async function readRaw(
  target: Target,
  path: string,
  opts: { headers?: Record<string, string>; until?: (text: string) => boolean; timeoutMs?: number } = {},
): Promise<RawStream> {
  const ac = new AbortController();
  const res = await fetch(`${target.url}/api/trpc${path}`, {
    headers: { accept: "text/event-stream", ...opts.headers },
    signal: ac.signal,
  });
  const headers: Record<string, string | null> = {};
  for (const name of ["content-type", "cache-control", "connection", "x-accel-buffering", "vary"]) {
    headers[name] = res.headers.get(name);
  }
  const reader = res.body!.getReader();
  const decoder = new TextDecoder();
  let text = "";
  let ended = false;
  const timer = setTimeout(() => ac.abort(), opts.timeoutMs ?? 5_000);
  try {
    for (;;) {
      const chunk = await reader.read();
      if (chunk.done) {
        ended = true;
        break;
      }
      text += decoder.decode(chunk.value, { stream: true });
      if (opts.until?.(text)) break;
    }
  } catch {
    // timed out: `ended` stays false
  } finally {
    clearTimeout(timer);
    ac.abort();
  }
  return { status: res.status, headers, text, ended };
}

const CONNECTED = 'event: connected\ndata: {"reconnectAfterInactivityMs":1000}\n\n\n';
const RETURN = "event: return\ndata: \n\n\n";

async function until(check: () => boolean, timeoutMs = 5_000): Promise<void> {
  const started = Date.now();
  while (!check()) {
    if (Date.now() - started > timeoutMs) throw new Error("condition not met in time");
    await sleep(20);
  }
}

// ---------------------------------------------------------------- raw wire format
describe("SSE wire format: lean == stock, byte for byte", () => {
  it("tracked events, then the return event, with tRPC's SSE headers", async () => {
    const [stock, lean] = await both((target) => readRaw(target, `/feed?input=${enc({ n: 3 })}`));
    expect(stock.status).toBe(200);
    expect(stock.ended).toBe(true);
    expect(stock.text.startsWith(CONNECTED)).toBe(true);
    expect(stock.text).toContain('data: {"i":1,"from":null,"text":"ünïcødé ✓ \\"quoted\\"\\nline"}\nid: e1\n\n\n');
    expect(stock.text.endsWith(`id: e3\n\n\n${RETURN}`)).toBe(true);
    expect(lean).toEqual(stock);
    expect(lean.headers).toEqual({
      "content-type": "text/event-stream",
      "cache-control": "no-cache, no-transform",
      connection: "keep-alive",
      "x-accel-buffering": "no",
      vary: "trpc-accept, accept, Origin",
    });
  });

  it("Last-Event-ID header and lastEventId query param reach the input; untracked events restore the id", async () => {
    const [stock, lean] = await both(async (target) => [
      await readRaw(target, `/feed?input=${enc({ n: 2, tracked: false })}`, { headers: { "last-event-id": "e7" } }),
      await readRaw(target, `/feed?input=${enc({ n: 1 })}&lastEventId=e41`),
      await readRaw(target, `/feed?input=${enc({ n: 1, lastEventId: "in-input" })}&Last-Event-Id=e9`),
      // the header wins over the query parameter, and an input object gets it merged in
      await readRaw(target, `/feed?input=${enc({ n: 1, lastEventId: "x" })}&lastEventId=q`, { headers: { "last-event-id": "h" } }),
      // an id with a line break is not echoed back into the stream
      await readRaw(target, `/feed?input=${enc({ n: 1, tracked: false })}&lastEventId=${encodeURIComponent("a\nb")}`),
    ]);
    expect(stock[0]!.text).toContain("id: \n\n\nevent: restore-id\ndata: \nid: e7\n\n\n");
    expect(stock[0]!.text).toContain('"from":"e7"');
    expect(stock[1]!.text).toContain('"from":"e41"');
    expect(stock[2]!.text).toContain('"from":"e9"');
    expect(stock[3]!.text).toContain('"from":"h"');
    expect(stock[4]!.text).not.toContain("restore-id");
    expect(lean.map((r) => r.text)).toEqual(stock.map((r) => r.text));
  });

  it("mixes tracked and untracked events like tRPC (empty id, then restore-id)", async () => {
    const [stock, lean] = await both((target) => readRaw(target, "/mixed"));
    expect(stock.text).toBe(
      `${CONNECTED}data: 1\nid: a\n\n\ndata: 2\nid: \n\n\nevent: restore-id\ndata: \nid: a\n\n\ndata: 3\nid: b\n\n\n${RETURN}`,
    );
    expect(lean.text).toBe(stock.text);
  });

  it("pings while the generator is quiet", async () => {
    const [stock, lean] = await both((target) => readRaw(target, "/quiet"));
    expect(stock.text).toBe(`${CONNECTED}event: ping\ndata: \n\n\ndata: "late"\n\n\n${RETURN}`);
    expect(lean.text).toBe(stock.text);
  });

  it("errors after the stream started: serialized-error with the formatter's shape, onError called alike", async () => {
    const [stock, lean] = await both(async (target) => ({
      conflict: await readRaw(target, `/feed?input=${enc({ n: 1, fail: true })}`),
      crash: await readRaw(target, "/crash"),
      bigint: await readRaw(target, "/bigint"),
      notIterable: await readRaw(target, "/notIterable"),
      errors: [...target.errors],
    }));
    expect(stock.conflict.text).toMatch(/\nevent: serialized-error\ndata: \{.*"code":"CONFLICT".*"formatted":true.*\}\n\n\n$/);
    expect(stock.conflict.text).toContain('"message":"Gone wrong after start"');
    expect(stock.crash.text).toContain('"code":"INTERNAL_SERVER_ERROR"');
    expect(stock.notIterable.text).toContain("did not return an observable or a AsyncGenerator");
    for (const r of Object.values(stock).slice(0, 4) as RawStream[]) {
      expect(r.ended).toBe(true);
      expect(r.text).not.toContain("event: return");
    }
    expect(stock.errors.map((e) => e.code)).toEqual(["CONFLICT", "INTERNAL_SERVER_ERROR", "INTERNAL_SERVER_ERROR", "INTERNAL_SERVER_ERROR"]);
    expect(lean).toEqual(stock);
  });

  it("errors before the stream started (input, middleware, context) are sent in the stream, as tRPC does", async () => {
    const [stock, lean] = await both(async (target) => ({
      invalid: await readRaw(target, `/feed?input=${enc({ n: 1000 })}`),
      malformed: await readRaw(target, "/feed?input=%7Bnope"),
      unauthorized: await readRaw(target, "/guarded"),
      context: await readRaw(target, "/feed", { headers: { "x-fail-context": "1" } }),
      errors: [...target.errors],
    }));
    expect(stock.invalid.status).toBe(200);
    expect(stock.invalid.text).toMatch(/^event: connected\n.*\n\n\nevent: serialized-error\ndata: .*"httpStatus":400/s);
    expect(stock.unauthorized.text).toContain('"code":"UNAUTHORIZED"');
    expect(stock.context.text).toContain('"message":"Bad context"');
    // tRPC reports such an error twice: when the call fails and when the stream sends it
    expect(stock.errors.map((e) => e.code)).toEqual([
      "BAD_REQUEST", "BAD_REQUEST", "BAD_REQUEST", "BAD_REQUEST", "UNAUTHORIZED", "UNAUTHORIZED", "FORBIDDEN", "FORBIDDEN",
    ]);
    expect(lean).toEqual(stock);
  });

  it("connectionParams: parsed into the context; malformed ones get tRPC's JSON error", async () => {
    const [stock, lean] = await both(async (target) => {
      const ok = await readRaw(target, `/guarded?connectionParams=${enc({ token: "secret" })}`);
      const wrong = await readRaw(target, `/guarded?connectionParams=${enc({ token: "guess" })}`);
      const notJson = await fetch(`${target.url}/api/trpc/guarded?connectionParams=%7Bnope`);
      const notStrings = await fetch(`${target.url}/api/trpc/guarded?connectionParams=${enc({ token: 1 })}`);
      return {
        ok: ok.text,
        wrong: wrong.text,
        notJson: [notJson.status, await notJson.text()],
        notStrings: [notStrings.status, await notStrings.text()],
        errors: [...target.errors],
      };
    });
    expect(stock.ok).toBe(`${CONNECTED}data: {"token":"secret"}\n\n\n${RETURN}`);
    expect(stock.wrong).toContain('"code":"UNAUTHORIZED"');
    expect(stock.notJson[0]).toBe(400);
    expect(stock.notJson[1]).toContain("Not JSON-parsable query params");
    expect(stock.notStrings[0]).toBe(400);
    expect(lean).toEqual(stock);
  });

  it("maxDurationMs ends the response without a return event (the client reconnects)", async () => {
    const [stock, lean] = await both(async (target) => {
      const started = Date.now();
      const r = await readRaw(target, "/endless", { timeoutMs: 6_000 });
      return { ...r, ms: Date.now() - started };
    });
    for (const r of [stock, lean]) {
      expect(r.ended).toBe(true);
      expect(r.ms).toBeGreaterThanOrEqual(1_900);
      expect(r.ms).toBeLessThan(4_000);
      expect(r.text.startsWith(CONNECTED)).toBe(true);
      expect(r.text).not.toContain("event: return");
      const ids = [...r.text.matchAll(/\nid: (\d+)\n/g)].map((m) => Number(m[1]));
      expect(ids.length).toBeGreaterThan(5);
      expect(ids).toEqual(ids.map((_, i) => i + 1));
    }
  });

  it("a subscription procedure via POST, in a batch, or over jsonl still gets tRPC's answer", async () => {
    const [stock, lean] = await both(async (target) => {
      const out: [number, string][] = [];
      const post = await fetch(`${target.url}/api/trpc/feed`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ n: 1 }),
      });
      out.push([post.status, await post.text()]);
      const batch = await fetch(`${target.url}/api/trpc/feed,feed?batch=1&input=${enc({ 0: { n: 1 }, 1: { n: 1 } })}`);
      out.push([batch.status, await batch.text()]);
      const mixed = await fetch(`${target.url}/api/trpc/plain,feed?batch=1&input=${enc({})}`);
      out.push([mixed.status, await mixed.text()]);
      const jsonl = await fetch(`${target.url}/api/trpc/feed?input=${enc({ n: 1 })}`, { headers: { "trpc-accept": "application/jsonl" } });
      out.push([jsonl.status, await jsonl.text()]);
      return out;
    });
    // POST: tRPC answers with an event stream carrying the 405
    expect(stock.map(([status]) => status)).toEqual([200, 400, 400, 400]);
    expect(stock[0]![1]).toContain('"httpStatus":405');
    expect(lean).toEqual(stock);
  });
});

/**
 * Opens a stream that produces as fast as it may and reads nothing: the socket buffers fill, then
 * the producer must wait (`grew` 0). With `readAgain`, reading resumes and the producer must go on.
 * Then hangs up, and the producer must end (`closed` gets `closedAs`).
 */
async function flood(target: Target, path: string, produced: () => number, closedAs: string, readAgain: boolean) {
  const start = produced();
  closed.length = 0;
  const req = httpRequest(`${target.url}/api/trpc${path}`, { headers: { accept: "text/event-stream" } });
  const res = await new Promise<IncomingMessage>((resolve, reject) => {
    req.once("response", resolve);
    req.once("error", reject);
    req.end();
  });
  res.pause();
  await sleep(800);
  const settled = produced() - start;
  await sleep(500);
  const grew = produced() - start - settled;
  if (readAgain) {
    res.resume();
    await until(() => produced() - start > settled + 10);
  }
  req.destroy();
  await until(() => closed.includes(closedAs));
  return { status: res.statusCode, grew, bounded: settled < 2_000 };
}

// ---------------------------------------------------------------- lifecycle
describe("SSE lifecycle: lean == stock", () => {
  it("the generator's finally runs when the client disconnects", async () => {
    const [stock, lean] = await both(async (target) => {
      const id = `held-${target.name}`;
      const r = await readRaw(target, `/held?input=${enc({ id })}`, { until: (text) => text.includes("id: 1\n") });
      expect(r.ended).toBe(false);
      // readRaw hung up; the server must notice and end the generator
      await until(() => !open.has(id) && closed.includes(id));
      return r.text.replace(target.name, "?");
    });
    expect(stock).toBe(`${CONNECTED}data: {"id":"held-?"}\nid: 1\n\n\n`);
    expect(lean).toBe(stock);
  });

  it("respects backpressure: a client that stops reading stops the generator, and leaving ends it", async () => {
    const [stock, lean] = await both((target) => flood(target, "/flood", () => floodYields, "flood", false));
    expect(stock).toEqual({ status: 200, grew: 0, bounded: true });
    expect(lean).toEqual(stock);
  });

  it("server shutdown cuts open streams and their generators end", async () => {
    const server = createApiServer({ handler: createLeanHandler({ router, createContext }) });
    const url = `http://127.0.0.1:${await listen(server, 0)}`;
    const id = `shutdown-${Math.random()}`;
    const target: Target = { name: "lean", url, server, errors: [] };
    const reading = readRaw(target, `/held?input=${enc({ id })}`, { timeoutMs: 5_000 });
    await until(() => open.has(id));
    await closeServer(server, 100);
    const r = await reading;
    expect(r.text).toContain("id: 1\n");
    await until(() => !open.has(id));
  });
});

// ---------------------------------------------------------------- clients
function clientFor(target: Target, connectionParams?: Record<string, string>) {
  const url = `${target.url}/api/trpc`;
  return createTRPCClient<SseRouter>({
    links: [
      splitLink({
        condition: (op) => op.type === "subscription",
        true: httpSubscriptionLink({ url, EventSource, connectionParams }),
        false: httpLink({ url }),
      }),
    ],
  });
}

type Received = { data: unknown[]; error?: { message: string; shape: unknown }; completed: boolean };

/** Subscribes with @trpc/client and collects until complete, error, or `stopAfter` values. */
function collect(
  subscribe: (handlers: {
    onData: (v: unknown) => void;
    onError: (e: unknown) => void;
    onComplete: () => void;
  }) => { unsubscribe(): void },
  stopAfter = Number.POSITIVE_INFINITY,
): Promise<Received> {
  return new Promise((resolve, reject) => {
    const out: Received = { data: [], completed: false };
    const timer = setTimeout(() => reject(new Error(`timeout: ${JSON.stringify(out)}`)), 10_000);
    const sub = subscribe({
      onData(v) {
        out.data.push(v);
        if (out.data.length >= stopAfter) {
          clearTimeout(timer);
          sub.unsubscribe();
          resolve(out);
        }
      },
      onError(e) {
        clearTimeout(timer);
        sub.unsubscribe();
        const err = e as TRPCClientError<SseRouter>;
        out.error = { message: err.message, shape: err.shape };
        resolve(out);
      },
      onComplete() {
        clearTimeout(timer);
        out.completed = true;
        resolve(out);
      },
    });
  });
}

describe("@trpc/client httpSubscriptionLink over EventSource: lean == stock", () => {
  it("gets tracked data and completes on the return event", async () => {
    const [stock, lean] = await both((target) => collect((h) => clientFor(target).feed.subscribe({ n: 3 }, h)));
    expect(stock.completed).toBe(true);
    expect(stock.data).toHaveLength(3);
    expect(stock.data[0]).toMatchObject({ id: "e1", data: { i: 1 } });
    expect(lean).toEqual(stock);
  });

  it("authenticates with connectionParams", async () => {
    const [stock, lean] = await both(async (target) => ({
      ok: await collect((h) => clientFor(target, { token: "secret" }).guarded.subscribe(undefined, h)),
      refused: await collect((h) => clientFor(target, { token: "nope" }).guarded.subscribe(undefined, h)),
    }));
    expect(stock.ok).toEqual({ data: [{ token: "secret" }], completed: true });
    expect(stock.refused.error?.shape).toMatchObject({ data: { code: "UNAUTHORIZED", formatted: true } });
    expect(lean).toEqual(stock);
  });

  it("errors before and after the start reach onError with the formatted shape", async () => {
    const [stock, lean] = await both(async (target) => ({
      before: await collect((h) => clientFor(target).feed.subscribe({ n: 1000 }, h)),
      after: await collect((h) => clientFor(target).feed.subscribe({ n: 2, fail: true }, h)),
    }));
    expect(stock.before.error?.shape).toMatchObject({ data: { code: "BAD_REQUEST", httpStatus: 400 } });
    expect(stock.after.data).toHaveLength(2);
    expect(stock.after.error?.message).toBe("Gone wrong after start");
    expect(lean).toEqual(stock);
  });

  it("reconnects after maxDurationMs and resumes from the last event id", async () => {
    const [stock, lean] = await both((target) => collect((h) => clientFor(target).endless.subscribe(undefined, h), 50));
    for (const run of [stock, lean]) {
      // the server cut the stream after 2 s (~40 events); the ids continue without a gap or repeat
      const ids = run.data.map((d) => (d as { id: string }).id);
      expect(ids).toEqual(Array.from({ length: 50 }, (_, i) => String(i + 1)));
    }
  });
});

// ---------------------------------------------------------------- push sources
describe("push sources (queue.watch's way): the lean writer pushes, tRPC's adapter iterates, the bytes agree", () => {
  it("values, tracked and not, with the last event id, then the return event or the error", async () => {
    const starts: Record<string, number> = {};
    const [stock, lean] = await both(async (target) => {
      const before = pushStarts;
      const r = {
      plain: await readRaw(target, `/pushFeed?input=${enc({ n: 4 })}`),
      resumed: await readRaw(target, `/pushFeed?input=${enc({ n: 3 })}`, { headers: { "last-event-id": "e9" } }),
      failing: await readRaw(target, `/pushFeed?input=${enc({ n: 2, fail: true })}`),
      first: await readRaw(target, "/pushFailsFirst"),
      bigint: await readRaw(target, "/pushBigint"),
      errors: [...target.errors],
      };
      starts[target.name] = pushStarts - before;
      return r;
    });
    // The stock adapter iterated every one; the lean writer pushed every one.
    expect(starts).toEqual({ stock: 0, lean: 5 });
    expect(stock.plain.text).toContain("id: e3\n\n\n");
    expect(stock.plain.text.endsWith(RETURN)).toBe(true);
    expect(stock.resumed.text).toContain('"from":"e9"');
    expect(stock.resumed.text).toContain("event: restore-id");
    expect(stock.failing.text).toMatch(/event: serialized-error\ndata: \{.*"code":"CONFLICT".*\}\n\n\n$/);
    expect(stock.first.text).toMatch(/^event: connected\n.*\n\n\nevent: serialized-error\ndata: \{.*"code":"NOT_FOUND"/s);
    expect(stock.bigint.text).toContain('data: {"ok":1}');
    expect(stock.errors.map((e) => e.code)).toEqual(["CONFLICT", "NOT_FOUND", "INTERNAL_SERVER_ERROR"]);
    expect(lean).toEqual(stock);
  });

  it("a client that leaves stops the source", async () => {
    const [stock, lean] = await both(async (target) => {
      const id = `push-held-${target.name}`;
      const r = await readRaw(target, `/pushHeld?input=${enc({ id })}`, { until: (text) => text.includes("id: 1\n") });
      await until(() => !open.has(id) && closed.includes(id));
      return r.text.replace(target.name, "?");
    });
    expect(stock).toBe(`${CONNECTED}data: {"id":"push-held-?"}\nid: 1\n\n\n`);
    expect(lean).toBe(stock);
  });

  it("a client that stops reading gets nothing more pushed until it drains, and leaving ends the source", async () => {
    const [stock, lean] = await both((target) => flood(target, "/pushFlood", () => pushed, "pushFlood", true));
    expect(stock).toEqual({ status: 200, grew: 0, bounded: true });
    expect(lean).toEqual(stock);
  });
});

describe("push sources: nothing thrown back into the source", () => {
  it("a value that cannot be sent, with an error formatter that fails too, just ends the stream", async () => {
    const broken = initTRPC.create({
      isDev: false,
      errorFormatter() {
        throw new Error("the formatter broke");
      },
    });
    const thrown: unknown[] = [];
    const brokenRouter = broken.router({
      s: broken.procedure.subscription(
        (): PushSource<unknown> => ({
          async *[Symbol.asyncIterator]() {},
          [PUSH](sink) {
            try {
              // BigInt does not serialise: the frame fails, then so does its error frame.
              sink.next({ id: 10n });
              sink.fail(new Error("and then this"));
            } catch (err) {
              thrown.push(err);
            }
            return { resume() {}, stop() {} };
          },
        }),
      ),
    });
    const server = createApiServer({ handler: createLeanHandler({ router: brokenRouter }) });
    const url = `http://127.0.0.1:${await listen(server, 0)}`;
    try {
      const res = await fetch(`${url}/api/trpc/s`, { headers: { accept: "text/event-stream" } });
      const text = await res.text();
      expect(res.status).toBe(200);
      expect(text.startsWith("event: connected\n")).toBe(true);
      expect(text).not.toContain("10");
      expect(thrown).toEqual([]);
    } finally {
      await closeServer(server, 500);
    }
  });
});

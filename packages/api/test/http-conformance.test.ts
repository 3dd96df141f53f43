// The lean handler must be indistinguishable from tRPC's stock adapter for @trpc/client: the same
// client calls run against both servers and every result, error shape and status is compared.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import {
  createTRPCClient,
  httpBatchLink,
  httpBatchStreamLink,
  httpLink,
  httpSubscriptionLink,
  splitLink,
  TRPCClientError,
} from "@trpc/client";
import { initTRPC, lazy, TRPCError, tracked } from "@trpc/server";
import { createHTTPHandler } from "@trpc/server/adapters/standalone";
import type { TRPCRequestInfo } from "@trpc/server/http";
import { EventSource } from "eventsource";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ZodError, z } from "zod";
import { createCors } from "../src/http/cors.js";
import { closeServer, createApiServer, createLeanHandler, listen } from "../src/http/index.js";

// ---------------------------------------------------------------- test router
interface Ctx {
  req: IncomingMessage;
  res: ServerResponse;
  user: string | null;
}

const t = initTRPC.context<Ctx>().meta<{ tag?: string }>().create({
  // Like the app's formatter: flattened zod issues for forms, never a stack trace.
  errorFormatter({ shape, error }) {
    const { stack: _stack, ...data } = shape.data;
    return {
      ...shape,
      data: { ...data, zodError: error.cause instanceof ZodError ? z.flattenError(error.cause) : null },
    };
  },
  sse: {
    ping: { enabled: true, intervalMs: 200 },
    // Forces reconnects, so resuming from the last event id is exercised on every run.
    maxDurationMs: 400,
    client: { reconnectAfterInactivityMs: 2_000 },
  },
});

let connections = 0;
const resumedFrom: (string | null)[] = [];
/** What `slow` saw of its signal when the client left: aborted or not, by server. */
const slowSaw: boolean[] = [];

// The lean handler runs a procedure's middleware chain itself (lean-handler.ts `invoke`): what a
// middleware sees and passes on must be what tRPC's own chain gives it.
const tagged = t.procedure.meta({ tag: "m" }).use(async ({ ctx, meta, type, path, input, next }) => {
  if (ctx.req.headers["x-mw-deny"]) throw new TRPCError({ code: "FORBIDDEN", message: "Middleware says no" });
  return next({ ctx: { role: `${meta?.tag}:${type}:${path}:${JSON.stringify(input ?? null)}` } });
});

const router = t.router({
  hello: t.procedure
    .input(z.object({ n: z.number().int().min(0).max(100) }))
    .query(({ input }) => ({ greeting: `hello ${input.n}`, n: input.n })),
  whoami: t.procedure.query(({ ctx }) => ({ user: ctx.user })),
  echo: t.procedure
    .input(z.object({ text: z.string() }))
    .mutation(({ input }) => ({ text: input.text, length: input.text.length })),
  login: t.procedure.input(z.object({ name: z.string().min(1).max(20) })).mutation(({ ctx, input }) => {
    ctx.res.setHeader("set-cookie", `session=${input.name}; HttpOnly; SameSite=Lax; Path=/`);
    return { ok: true };
  }),
  ping: t.procedure.mutation(() => "pong"),
  missing: t.procedure.query(() => {
    throw new TRPCError({ code: "NOT_FOUND", message: "No such thing" });
  }),
  boom: t.procedure.query(() => {
    throw new Error("database exploded");
  }),
  deny: t.procedure.mutation(() => {
    throw new TRPCError({ code: "FORBIDDEN", message: "Not yours" });
  }),
  streamy: t.procedure.query(() => ({ later: Promise.resolve(1) })),
  big: t.procedure.query(() => ({ id: 10n })),
  nested: t.router({ deep: t.procedure.query(() => "deep") }),
  chain: tagged
    .input(z.object({ a: z.number() }))
    .input(z.object({ b: z.string() }))
    .use(async ({ ctx, input, next }) => next({ ctx: { seen: `${ctx.role}|${JSON.stringify(input)}` } }))
    .query(({ ctx, input, signal }) => ({
      role: ctx.role,
      seen: ctx.seen,
      user: ctx.user,
      input,
      signal: signal instanceof AbortSignal && !signal.aborted,
    })),
  swapped: t.procedure
    .use(({ next }) => next({ getRawInput: async () => ({ n: 42 }) }))
    .input(z.object({ n: z.number() }))
    .mutation(({ input }) => input),
  forgot: t.procedure.use((async () => undefined) as never).query(() => "unreachable"),
  slow: t.procedure.query(async ({ signal }) => {
    await new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, 3_000);
      signal?.addEventListener("abort", () => {
        clearTimeout(timer);
        resolve();
      });
    });
    slowSaw.push(signal?.aborted === true);
    return "done";
  }),
  ticks: t.procedure.input(z.object({ lastEventId: z.string().nullish() }).optional()).subscription(async function* (opts) {
    connections++;
    const from = opts.input?.lastEventId ?? null;
    resumedFrom.push(from);
    let i = from === null ? 0 : Number(from);
    while (!opts.signal?.aborted) {
      i++;
      yield tracked(String(i), { i });
      await new Promise((r) => setTimeout(r, 40));
    }
  }),
});
type TestRouter = typeof router;

/** The request info the context factory was given, for requests that ask (`x-capture-info`). */
const captured: TRPCRequestInfo[] = [];

function createContext({ req, res, info }: { req: IncomingMessage; res: ServerResponse; info?: TRPCRequestInfo }): Ctx {
  if (req.headers["x-capture-info"] && info) captured.push(info);
  if (req.headers["x-fail-context"]) throw new TRPCError({ code: "UNAUTHORIZED", message: "Bad session" });
  const user = /(?:^|;\s*)session=([^;]+)/.exec(req.headers.cookie ?? "")?.[1] ?? null;
  return { req, res, user };
}

// ---------------------------------------------------------------- servers
const ORIGIN = "http://shop.test";
const MAX_BODY = 64 * 1024;
type Logged = { path: string | undefined; type: string; code: string; input: unknown };

interface Target {
  name: "stock" | "lean";
  url: string;
  server: Server;
  errors: Logged[];
}

const targets: Record<"stock" | "lean", Target> = {} as Record<"stock" | "lean", Target>;

async function startTargets() {
  const cors = createCors({ origins: [ORIGIN] });
  const stockErrors: Logged[] = [];
  const leanErrors: Logged[] = [];
  const log = (into: Logged[]) => (o: { path: string | undefined; type: string; error: TRPCError; input: unknown }) =>
    into.push({ path: o.path, type: o.type, code: o.error.code, input: o.input });

  // Stock: tRPC's standalone adapter, CORS as a middleware as tRPC's docs suggest.
  const stockHandler = createHTTPHandler({
    router,
    createContext,
    basePath: "/api/trpc",
    maxBodySize: MAX_BODY,
    onError: log(stockErrors),
    middleware: (req, res, next) => {
      const headers: Record<string, string> = {};
      cors.apply(req, headers);
      if (req.method === "OPTIONS") return cors.preflight(req, res, headers);
      for (const [k, v] of Object.entries(headers)) res.setHeader(k, v);
      next();
    },
  });
  const stock = createServer((req, res) => {
    if (req.url?.startsWith("/api/trpc")) stockHandler(req, res);
    else res.writeHead(404).end();
  });
  const lean = createApiServer({
    handler: createLeanHandler({
      router,
      createContext,
      onError: log(leanErrors),
      cors: { origins: [ORIGIN] },
      maxBodySize: MAX_BODY,
    }),
    routes: { "/healthz": (_req, res) => res.writeHead(200, { "content-type": "text/plain" }).end("ok") },
  });
  const stockPort = await listen(stock, 0);
  const leanPort = await listen(lean, 0);
  targets.stock = { name: "stock", url: `http://127.0.0.1:${stockPort}`, server: stock, errors: stockErrors };
  targets.lean = { name: "lean", url: `http://127.0.0.1:${leanPort}`, server: lean, errors: leanErrors };
}

beforeAll(startTargets);
afterAll(async () => {
  await Promise.all([closeServer(targets.stock.server, 500), closeServer(targets.lean.server, 500)]);
});

// ---------------------------------------------------------------- helpers
type LinkKind = "httpLink" | "httpBatchLink" | "httpBatchStreamLink";

function clientFor(target: Target, kind: LinkKind, headers: Record<string, string> = {}) {
  const url = `${target.url}/api/trpc`;
  const link =
    kind === "httpLink"
      ? httpLink({ url, headers })
      : kind === "httpBatchLink"
        ? httpBatchLink({ url, headers })
        : httpBatchStreamLink({ url, headers });
  return createTRPCClient<TestRouter>({
    links: [
      splitLink({
        condition: (op) => op.type === "subscription",
        true: httpSubscriptionLink({ url, EventSource }),
        false: link,
      }),
    ],
  });
}

type Outcome =
  | { ok: unknown }
  | { error: { name: string; message: string; shape: unknown; status: number | undefined } };

async function outcome(p: Promise<unknown>): Promise<Outcome> {
  try {
    return { ok: await p };
  } catch (err) {
    if (!(err instanceof TRPCClientError)) throw err;
    const meta = err.meta as { response?: { status?: number } } | undefined;
    return { error: { name: err.name, message: err.message, shape: err.shape, status: meta?.response?.status } };
  }
}

/** Untyped access, to make calls the typed client forbids (unknown paths, mutation via GET). */
function untyped(client: unknown, path: string): Record<string, (input?: unknown) => Promise<unknown>> {
  let node = client as Record<string, unknown>;
  for (const part of path.split(".")) node = node[part] as Record<string, unknown>;
  return node as unknown as Record<string, (input?: unknown) => Promise<unknown>>;
}

/** Runs the same scenario against both servers; returns [stock, lean]. */
async function both<T>(scenario: (target: Target) => Promise<T>): Promise<[T, T]> {
  const stock = await scenario(targets.stock);
  const lean = await scenario(targets.lean);
  return [stock, lean];
}

function errorOf(o: Outcome) {
  if (!("error" in o)) throw new Error(`expected an error, got ${JSON.stringify(o)}`);
  return o.error;
}

// ---------------------------------------------------------------- client conformance
const kinds: LinkKind[] = ["httpLink", "httpBatchLink", "httpBatchStreamLink"];

describe.each(kinds)("@trpc/client %s: lean == stock", (kind) => {
  it("query and mutation", async () => {
    const [stock, lean] = await both(async (target) => {
      const c = clientFor(target, kind);
      return [
        await outcome(c.hello.query({ n: 7 })),
        await outcome(c.echo.mutate({ text: "héllo ✓" })),
        await outcome(c.nested.deep.query()),
        await outcome(c.ping.mutate()),
      ];
    });
    expect(stock).toEqual([
      { ok: { greeting: "hello 7", n: 7 } },
      { ok: { text: "héllo ✓", length: 7 } },
      { ok: "deep" },
      { ok: "pong" },
    ]);
    expect(lean).toEqual(stock);
  });

  it("a batch of mixed successes and errors", async () => {
    const [stock, lean] = await both(async (target) => {
      const c = clientFor(target, kind);
      // Issued in one tick so the batching links put them in one request.
      return Promise.all([
        outcome(c.hello.query({ n: 1 })),
        outcome(c.missing.query()),
        outcome(c.hello.query({ n: -5 })),
        outcome(c.boom.query()),
        outcome(c.hello.query({ n: 2 })),
      ]);
    });
    expect(stock.map((o) => ("ok" in o ? "ok" : (o.error.shape as { data: { code: string } }).data.code))).toEqual([
      "ok",
      "NOT_FOUND",
      "BAD_REQUEST",
      "INTERNAL_SERVER_ERROR",
      "ok",
    ]);
    expect(lean).toEqual(stock);
  });

  it("input validation failure carries the formatter's zod data", async () => {
    const [stock, lean] = await both((target) => outcome(clientFor(target, kind).hello.query({ n: 1000 })));
    const err = errorOf(stock);
    expect(err.shape).toMatchObject({
      code: -32600,
      data: { code: "BAD_REQUEST", httpStatus: 400, path: "hello", zodError: { fieldErrors: { n: [expect.any(String)] } } },
    });
    expect(lean).toEqual(stock);
  });

  it("thrown TRPCError and thrown plain Error (no stack leaks)", async () => {
    const [stock, lean] = await both(async (target) => {
      const c = clientFor(target, kind);
      return [await outcome(c.deny.mutate()), await outcome(c.boom.query())];
    });
    expect(errorOf(stock[0]!)).toMatchObject({ message: "Not yours", shape: { data: { code: "FORBIDDEN", httpStatus: 403 } } });
    const boom = errorOf(stock[1]!);
    expect(boom).toMatchObject({ message: "database exploded", shape: { data: { code: "INTERNAL_SERVER_ERROR" } } });
    expect(JSON.stringify(lean)).not.toMatch(/\bat .*\.ts:\d+/);
    expect(JSON.stringify(lean)).not.toContain("stack");
    expect(lean).toEqual(stock);
  });

  it("unknown procedure and mutation via GET", async () => {
    const [stock, lean] = await both(async (target) => {
      const c = clientFor(target, kind);
      return [
        await outcome(untyped(c, "nope.nothing").query!()),
        await outcome(untyped(c, "echo").query!({ text: "x" })),
      ];
    });
    expect(errorOf(stock[0]!).shape).toMatchObject({ data: { code: "NOT_FOUND", httpStatus: 404 } });
    expect(errorOf(stock[1]!)).toMatchObject({
      message: 'Unsupported GET-request to mutation procedure at path "echo"',
      shape: { data: { code: "METHOD_NOT_SUPPORTED", httpStatus: 405 } },
    });
    expect(lean).toEqual(stock);
  });

  it("oversized body is refused with 413", async () => {
    const [stock, lean] = await both((target) =>
      outcome(clientFor(target, kind).echo.mutate({ text: "x".repeat(MAX_BODY + 10) })),
    );
    expect(errorOf(stock).shape).toMatchObject({ data: { code: "PAYLOAD_TOO_LARGE", httpStatus: 413 } });
    expect(lean).toEqual(stock);
    // the connection is still usable afterwards
    await expect(clientFor(targets.lean, kind).hello.query({ n: 3 })).resolves.toEqual({ greeting: "hello 3", n: 3 });
  });

  it("a context that throws fails every call the same way", async () => {
    const [stock, lean] = await both((target) =>
      outcome(clientFor(target, kind, { "x-fail-context": "1" }).hello.query({ n: 1 })),
    );
    expect(errorOf(stock)).toMatchObject({ message: "Bad session", shape: { data: { httpStatus: 401 } } });
    expect(lean).toEqual(stock);
  });
});

describe("subscriptions over SSE (lean writes the frames; see sse-conformance.test.ts)", () => {
  it("yields tracked events and resumes from lastEventId after reconnects", async () => {
    const [stock, lean] = await both(async (target) => {
      connections = 0;
      resumedFrom.length = 0;
      const c = clientFor(target, "httpBatchLink");
      const ids: string[] = [];
      await new Promise<void>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`timeout, got ${ids.join(",")}`)), 15_000);
        const sub = c.ticks.subscribe(undefined, {
          onData(event) {
            ids.push(event.id);
            expect(event.data.i).toBe(Number(event.id));
            if (ids.length === 20) {
              clearTimeout(timer);
              sub.unsubscribe();
              resolve();
            }
          },
          onError: reject,
        });
      });
      return { ids, connections, resumedFrom: [...resumedFrom] };
    });
    const expected = Array.from({ length: 20 }, (_, i) => String(i + 1));
    for (const run of [stock, lean]) {
      expect(run.ids).toEqual(expected);
      // maxDurationMs cut the stream at least once; each reconnect resumed after the last id seen
      expect(run.connections).toBeGreaterThan(1);
      expect(run.resumedFrom[0]).toBeNull();
      expect(run.resumedFrom.slice(1).every((id) => id !== null && Number(id) > 0)).toBe(true);
    }
  });

  it("resumes from an explicit lastEventId in the input", async () => {
    const [stock, lean] = await both(async (target) => {
      const c = clientFor(target, "httpLink");
      const first = await new Promise<string>((resolve, reject) => {
        const sub = c.ticks.subscribe(
          { lastEventId: "41" },
          {
            onData(event) {
              sub.unsubscribe();
              resolve(event.id);
            },
            onError: reject,
          },
        );
      });
      return first;
    });
    expect(stock).toBe("42");
    expect(lean).toBe(stock);
  });
});

// ---------------------------------------------------------------- CORS and cookies
describe("CORS with credentials", () => {
  it("answers a preflight for an allowed origin like the stock adapter with cors middleware", async () => {
    const [stock, lean] = await both(async (target) => {
      const res = await fetch(`${target.url}/api/trpc/echo`, {
        method: "OPTIONS",
        headers: {
          origin: ORIGIN,
          "access-control-request-method": "POST",
          "access-control-request-headers": "content-type, x-request-id",
        },
      });
      return {
        status: res.status,
        origin: res.headers.get("access-control-allow-origin"),
        credentials: res.headers.get("access-control-allow-credentials"),
        methods: res.headers.get("access-control-allow-methods"),
        headers: res.headers.get("access-control-allow-headers"),
        vary: res.headers.get("vary"),
      };
    });
    expect(lean).toEqual({
      status: 204,
      origin: ORIGIN,
      credentials: "true",
      methods: "GET, POST, OPTIONS",
      headers: "content-type, x-request-id",
      vary: "Origin, Access-Control-Request-Headers",
    });
    expect(lean).toEqual(stock);
  });

  it("refuses a preflight from another origin", async () => {
    const res = await fetch(`${targets.lean.url}/api/trpc/echo`, {
      method: "OPTIONS",
      headers: { origin: "http://evil.test", "access-control-request-method": "POST" },
    });
    expect(res.status).toBe(403);
    expect(res.headers.get("access-control-allow-origin")).toBeNull();
  });

  it("a credentialed call: cookie in, Set-Cookie out, origin echoed, Vary: Origin", async () => {
    const login = await fetch(`${targets.lean.url}/api/trpc/login`, {
      method: "POST",
      headers: { origin: ORIGIN, "content-type": "application/json" },
      body: JSON.stringify({ name: "alice" }),
    });
    expect(login.status).toBe(200);
    expect(login.headers.get("set-cookie")).toBe("session=alice; HttpOnly; SameSite=Lax; Path=/");
    expect(login.headers.get("access-control-allow-origin")).toBe(ORIGIN);
    expect(login.headers.get("access-control-allow-credentials")).toBe("true");
    expect(login.headers.get("vary")).toContain("Origin");

    const [stock, lean] = await both(async (target) => {
      const c = clientFor(target, "httpBatchLink", { origin: ORIGIN, cookie: "session=alice" });
      return outcome(c.whoami.query());
    });
    expect(stock).toEqual({ ok: { user: "alice" } });
    expect(lean).toEqual(stock);

    // the other origin gets an answer but no CORS grant, so a browser hides it
    const other = await fetch(`${targets.lean.url}/api/trpc/whoami`, { headers: { origin: "http://evil.test" } });
    expect(other.headers.get("access-control-allow-origin")).toBeNull();
    expect(other.headers.get("vary")).toContain("Origin");
  });

  it("CORS headers also reach SSE responses", async () => {
    const ac = new AbortController();
    const res = await fetch(`${targets.lean.url}/api/trpc/ticks`, { headers: { origin: ORIGIN }, signal: ac.signal });
    expect(res.headers.get("content-type")).toBe("text/event-stream");
    expect(res.headers.get("access-control-allow-origin")).toBe(ORIGIN);
    expect(res.headers.get("vary")).toContain("Origin");
    expect(res.headers.get("x-request-id")).toBeTruthy();
    ac.abort();
  });
});

// ---------------------------------------------------------------- raw HTTP, byte for byte
interface RawRequest {
  name: string;
  method?: string;
  path: string;
  headers?: Record<string, string>;
  body?: string;
  /** What the stock adapter answers, so a broken setup cannot pass by failing the same way twice. */
  status: number;
}

const enc = (v: unknown) => encodeURIComponent(JSON.stringify(v));
const json = { "content-type": "application/json" };

const rawRequests: RawRequest[] = [
  { name: "query", status: 200, path: `/hello?input=${enc({ n: 5 })}` },
  { name: "query without input", status: 200, path: "/whoami" },
  { name: "query, validation error", status: 400, path: `/hello?input=${enc({ n: "x" })}` },
  { name: "query, missing input", status: 400, path: "/hello" },
  { name: "query, malformed input", status: 400, path: "/hello?input=%7Bnope" },
  { name: "nested path", status: 200, path: "/nested.deep" },
  { name: "middlewares and two input parsers", status: 200, path: `/chain?input=${enc({ a: 1, b: "x" })}` },
  { name: "second input parser fails", status: 400, path: `/chain?input=${enc({ a: 1 })}` },
  { name: "middleware throws", status: 403, path: `/chain?input=${enc({ a: 1, b: "x" })}`, headers: { "x-mw-deny": "1" } },
  { name: "middleware swaps the raw input", status: 200, method: "POST", path: "/swapped", headers: json, body: "{not json" },
  { name: "middleware returns no result", status: 500, path: "/forgot" },
  {
    name: "batch through middlewares", status: 207,
    path: `/chain,forgot,chain,hello?batch=1&input=${enc({ 0: { a: 2, b: "y" }, 2: { a: 3 }, 3: { n: 4 } })}`,
  },
  { name: "mutation", status: 200, method: "POST", path: "/echo", headers: json, body: JSON.stringify({ text: "hi" }) },
  { name: "mutation, malformed JSON", status: 400, method: "POST", path: "/echo", headers: json, body: "{not json" },
  { name: "mutation, malformed JSON, no input read", status: 200, method: "POST", path: "/ping", headers: json, body: "{not json" },
  { name: "mutation, empty body", status: 200, method: "POST", path: "/ping", headers: json },
  { name: "mutation, BOM", status: 200, method: "POST", path: "/echo", headers: json, body: `\ufeff${JSON.stringify({ text: "b" })}` },
  { name: "mutation via GET", status: 405, path: `/echo?input=${enc({ text: "x" })}` },
  { name: "query via POST", status: 405, method: "POST", path: "/hello", headers: json, body: JSON.stringify({ n: 1 }) },
  { name: "unknown procedure", status: 404, path: "/nope" },
  { name: "empty path", status: 404, path: "" },
  { name: "TRPCError", status: 403, method: "POST", path: "/deny", headers: json },
  { name: "plain Error", status: 500, path: "/boom" },
  { name: "stream-like result", status: 415, path: "/streamy" },
  { name: "unserialisable result", status: 500, path: "/big" },
  { name: "context throws", status: 401, path: "/whoami", headers: { "x-fail-context": "1" } },
  {
    name: "GET batch, mixed", status: 207,
    path: `/hello,missing,nope,hello,boom?batch=1&input=${enc({ 0: { n: 1 }, 3: { n: 999 } })}`,
  },
  { name: "GET batch of a mutation", status: 207, path: `/echo,nope?batch=1&input=${enc({ 0: { text: "x" } })}` },
  {
    name: "POST batch", status: 207,
    method: "POST",
    path: "/echo,deny,ping?batch=1",
    headers: json,
    body: JSON.stringify({ 0: { text: "a" } }),
  },
  { name: "batch, input not an object", status: 400, path: `/hello,hello?batch=1&input=${enc([1, 2])}` },
  { name: "batch, all fine", status: 200, path: `/hello,nested.deep?batch=1&input=${enc({ 0: { n: 9 } })}` },
  { name: "batch, stream-like item", status: 207, path: `/hello,streamy?batch=1&input=${enc({ 0: { n: 9 } })}` },
  {
    name: "oversized body", status: 413,
    method: "POST",
    path: "/echo",
    headers: json,
    body: JSON.stringify({ text: "y".repeat(MAX_BODY) }),
  },
  { name: "mixed types in batch (fallback)", status: 400, path: `/hello,echo,ticks?batch=1&input=${enc({})}` },
  { name: "percent-encoded path (fallback)", status: 200, path: "/hel%6co?input=%7B%22n%22%3A1%7D" },
  { name: "malformed percent path (fallback)", status: 400, path: "/hel%zzlo" },
  { name: "unsupported content type (fallback)", status: 415, method: "POST", path: "/echo", headers: { "content-type": "text/plain" }, body: "x" },
  { name: "subscription via POST", status: 200, method: "POST", path: "/ticks", headers: json, body: "{}" },
];

async function rawCall(target: Target, r: RawRequest) {
  const res = await fetch(`${target.url}/api/trpc${r.path}`, {
    method: r.method ?? "GET",
    headers: r.headers,
    body: r.body,
  });
  return {
    status: res.status,
    contentType: res.headers.get("content-type"),
    allow: res.headers.get("allow"),
    body: await res.text(),
  };
}

describe("raw HTTP: identical status and bytes", () => {
  it.each(rawRequests.map((r) => [r.name, r] as const))("%s", async (_name, r) => {
    targets.stock.errors.length = 0;
    targets.lean.errors.length = 0;
    const [stock, lean] = await both((target) => rawCall(target, r));
    expect(stock.status).toBe(r.status);
    expect(lean.body).toBe(stock.body);
    expect(lean.status).toBe(stock.status);
    expect(lean.allow).toBe(stock.allow);
    if (stock.contentType !== null) expect(lean.contentType).toBe(stock.contentType);
    expect(lean.body).not.toMatch(/\bat .*:\d+:\d+/);
    // onError sees the same errors (paths, types, codes, inputs)
    expect(targets.lean.errors).toEqual(targets.stock.errors);
  });
});

// ---------------------------------------------------------------- abort signal of queries
describe("a query's signal", () => {
  it("aborts when the client leaves, as with the stock adapter", async () => {
    const [stock, lean] = await both(async (target) => {
      slowSaw.length = 0;
      const ac = new AbortController();
      const res = fetch(`${target.url}/api/trpc/slow`, { signal: ac.signal }).catch(() => "left");
      await new Promise((r) => setTimeout(r, 100));
      ac.abort();
      expect(await res).toBe("left");
      await expect.poll(() => slowSaw.length, { timeout: 2_000 }).toBe(1);
      return slowSaw[0];
    });
    expect(stock).toBe(true);
    expect(lean).toBe(stock);
  });
});

// ---------------------------------------------------------------- the context's request info
describe("the request info given to the context", () => {
  const describeInfo = (info: TRPCRequestInfo) => ({
    isBatchCall: info.isBatchCall,
    type: info.type,
    accept: info.accept,
    connectionParams: info.connectionParams,
    path: info.url?.pathname,
    calls: info.calls.map((c) => ({ path: c.path, batchIndex: c.batchIndex, procedure: c.procedure !== null })),
    signal: info.signal instanceof AbortSignal && !info.signal.aborted,
  });

  it("says what the stock adapter says, batch or not", async () => {
    const [stock, lean] = await both(async (target) => {
      captured.length = 0;
      const headers = { "x-capture-info": "1" };
      await fetch(`${target.url}/api/trpc/hello?input=${encodeURIComponent(JSON.stringify({ n: 1 }))}`, { headers });
      const batch = encodeURIComponent(JSON.stringify({ 0: { n: 2 } }));
      await fetch(`${target.url}/api/trpc/hello,whoami?batch=1&input=${batch}`, { headers });
      return captured.map(describeInfo);
    });
    expect(stock).toHaveLength(2);
    expect(lean).toEqual(stock);
  });

  it("has a signal that aborts when the client leaves", async () => {
    captured.length = 0;
    slowSaw.length = 0;
    const ac = new AbortController();
    const res = fetch(`${targets.lean.url}/api/trpc/slow`, { headers: { "x-capture-info": "1" }, signal: ac.signal }).catch(() => "left");
    await expect.poll(() => captured.length, { timeout: 2_000 }).toBe(1);
    const signal = captured[0]!.signal;
    expect(signal.aborted).toBe(false);
    ac.abort();
    expect(await res).toBe("left");
    await expect.poll(() => signal.aborted, { timeout: 2_000 }).toBe(true);
  });

  it("makes the signal on the prototype, not as an own getter of each request's object", async () => {
    // An own getter, a new closure per request, kept the whole request alive through V8's
    // young-generation GCs until a full one (decisions.md §22).
    captured.length = 0;
    await fetch(`${targets.lean.url}/api/trpc/whoami`, { headers: { "x-capture-info": "1" } });
    const info = captured[0];
    expect(info).toBeDefined();
    expect(Object.getOwnPropertyDescriptor(info, "signal")).toBeUndefined();
    expect(typeof Object.getOwnPropertyDescriptor(Object.getPrototypeOf(info), "signal")?.get).toBe("function");
  });
});

// ---------------------------------------------------------------- request id, routes
describe("request id and server routes", () => {
  it("echoes a given x-request-id and generates one otherwise", async () => {
    const given = await fetch(`${targets.lean.url}/api/trpc/whoami`, { headers: { "x-request-id": "abc-123" } });
    expect(given.headers.get("x-request-id")).toBe("abc-123");
    const made = await fetch(`${targets.lean.url}/api/trpc/whoami`);
    expect(made.headers.get("x-request-id")).toMatch(/^[0-9a-f-]{36}$/);
    const unsafe = await fetch(`${targets.lean.url}/api/trpc/whoami`, { headers: { "x-request-id": "a b<script>" } });
    expect(unsafe.headers.get("x-request-id")).toMatch(/^[0-9a-f-]{36}$/);
  });

  it("serves extra routes and 404s the rest", async () => {
    const health = await fetch(`${targets.lean.url}/healthz`);
    expect(health.status).toBe(200);
    expect(await health.text()).toBe("ok");
    const missing = await fetch(`${targets.lean.url}/nothing-here`);
    expect(missing.status).toBe(404);
    expect(missing.headers.get("content-type")).toBe("application/json");
  });
});

// ---------------------------------------------------------------- transformer and lazy routers
describe("a router with a transformer and a lazy sub-router", () => {
  // A tiny transformer (Dates as tagged strings), enough to prove both directions are applied.
  const revive = (v: unknown): unknown =>
    typeof v === "string" && v.startsWith("date:") ? new Date(v.slice(5)) : v;
  const dates = {
    serialize: (v: unknown): unknown =>
      v === undefined ? undefined : JSON.parse(JSON.stringify(v, function (this: Record<string, unknown>, key) {
        const raw = this[key];
        return raw instanceof Date ? `date:${raw.toISOString()}` : raw;
      })),
    deserialize: (v: unknown): unknown => v === undefined ? undefined : JSON.parse(JSON.stringify(v), (_k, value) => revive(value)),
  };
  // isDev: false as in production (the default adds stack traces, whose frames name the adapter).
  const tt = initTRPC.create({ transformer: dates, isDev: false });
  const lazyChild = tt.router({ leaf: tt.procedure.query(() => "leaf") });
  const tRouter = tt.router({
    shift: tt.procedure
      .input(z.object({ at: z.date() }))
      .query(({ input }) => ({ later: new Date(input.at.getTime() + 60_000) })),
    fail: tt.procedure.query(() => {
      throw new TRPCError({ code: "CONFLICT", message: "Taken" });
    }),
    child: lazy(async () => lazyChild),
  });
  const servers: Server[] = [];
  const urls: Record<"stock" | "lean", string> = { stock: "", lean: "" };

  beforeAll(async () => {
    const stock = createServer(createHTTPHandler({ router: tRouter, basePath: "/api/trpc" }));
    const lean = createApiServer({ handler: createLeanHandler({ router: tRouter }) });
    servers.push(stock, lean);
    urls.stock = `http://127.0.0.1:${await listen(stock, 0)}/api/trpc`;
    urls.lean = `http://127.0.0.1:${await listen(lean, 0)}/api/trpc`;
  });
  afterAll(async () => {
    await Promise.all(servers.map((s) => closeServer(s, 200)));
  });

  const at = encodeURIComponent(JSON.stringify({ at: "date:2026-11-25T10:00:00.000Z" }));
  const cases: [string, string][] = [
    ["query with a transformed input and output", `/shift?input=${at}`],
    ["batch", `/shift,fail?batch=1&input=${encodeURIComponent(JSON.stringify({ 0: { at: "date:2026-01-01T00:00:00.000Z" } }))}`],
    ["validation error", `/shift?input=${encodeURIComponent(JSON.stringify({ at: "yesterday" }))}`],
    ["lazy procedure (fallback)", "/child.leaf"],
    ["unknown procedure with lazy routers (fallback)", "/child.nope"],
  ];
  it.each(cases)("%s", async (_name, path) => {
    const stock = await fetch(`${urls.stock}${path}`);
    const lean = await fetch(`${urls.lean}${path}`);
    const body = await stock.text();
    expect(await lean.text()).toBe(body);
    expect(lean.status).toBe(stock.status);
  });

  it("works with a client using the same transformer", async () => {
    const c = createTRPCClient<typeof tRouter>({ links: [httpBatchLink({ url: urls.lean, transformer: dates })] });
    const out = await c.shift.query({ at: new Date("2026-11-25T10:00:00.000Z") });
    expect(out.later).toEqual(new Date("2026-11-25T10:01:00.000Z"));
    await expect(c.child.leaf.query()).resolves.toBe("leaf");
  });
});

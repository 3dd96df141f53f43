import type { IncomingMessage, OutgoingHttpHeaders, ServerResponse } from "node:http";
import {
  type AnyTRPCProcedure,
  type AnyTRPCRouter,
  getTRPCErrorFromUnknown,
  getTRPCErrorShape,
  type inferRouterContext,
  TRPCError,
  type TRPCProcedureType,
  transformTRPCResponse,
} from "@trpc/server";
import type { NodeHTTPCreateContextFnOptions } from "@trpc/server/adapters/node-http";
import { type CreateHTTPHandlerOptions, createHTTPHandler } from "@trpc/server/adapters/standalone";
import {
  getHTTPStatusCode,
  type HTTPErrorHandler,
  parseConnectionParamsFromString,
  type TRPCRequestInfo,
} from "@trpc/server/http";
import type { TRPCResponse } from "@trpc/server/rpc";
import { ABORTED, type BodyOutcome, readBody, TOO_LARGE } from "./body.js";
import { isClosed, isGone } from "./compat.js";
import { type CorsOptions, createCors } from "./cors.js";
import { assignRequestId } from "./request-id.js";
import { createSseWriter } from "./sse.js";
import { readTarget, type Target } from "./target.js";

export type LeanCreateContextOptions = NodeHTTPCreateContextFnOptions<IncomingMessage, ServerResponse>;

export interface LeanHandlerOptions<TRouter extends AnyTRPCRouter> {
  router: TRouter;
  /** Gets the node `req`/`res` (read cookies and headers, set Set-Cookie) and tRPC's request `info`. */
  createContext?: (
    opts: LeanCreateContextOptions,
  ) => inferRouterContext<TRouter> | Promise<inferRouterContext<TRouter>>;
  /** Where the router is mounted; the procedure path follows it. */
  basePath?: string;
  /** Called with every error, as tRPC's adapters call it (log it here). */
  onError?: HTTPErrorHandler<TRouter, IncomingMessage>;
  cors?: CorsOptions;
  /** Largest request body in bytes; a larger one gets PAYLOAD_TOO_LARGE (413). */
  maxBodySize?: number;
  /** Most calls in one batch; more go to tRPC's own adapter, which refuses them. */
  maxBatchSize?: number;
}

export type LeanHandler = (req: IncomingMessage, res: ServerResponse) => void;

type ProcedureMap = Record<string, AnyTRPCProcedure | undefined>;
type RPCResult = [TRPCError, undefined] | [undefined, { data: unknown }];
type ErrorShape = ReturnType<typeof getTRPCErrorShape>;

/** What the fast path understood of a request; anything it cannot plan goes to the stock adapter. */
interface Plan {
  method: "GET" | "POST";
  target: Target;
  isBatchCall: boolean;
  paths: string[];
  procedures: (AnyTRPCProcedure | null)[];
  type: TRPCProcedureType | "unknown";
  accept: TRPCRequestInfo["accept"];
  /** Subscriptions only (tRPC's httpSubscriptionLink sends them as JSON in the query). */
  connectionParams: TRPCRequestInfo["connectionParams"];
}

const DEFAULT_MAX_BODY = 64 * 1024;
// The stock adapter's response headers (resolveResponse) and what the same error looks like when
// even the error formatter fails (nodeHTTPRequestHandler's fallback shape).
const STOCK_VARY = "trpc-accept, accept";
const FALLBACK_ERROR_SHAPE = {
  code: -32603,
  message: "Internal server error",
  data: { code: "INTERNAL_SERVER_ERROR", httpStatus: 500 },
};

/**
 * A node:http request listener speaking tRPC v11's HTTP wire format.
 *
 * Plain JSON queries, mutations and httpBatchLink batches are answered here without building Fetch
 * Request/Response objects, mirroring `resolveResponse` of @trpc/server step by step (same error
 * messages, error shapes, status codes, onError calls). GET subscriptions are written as SSE
 * frames here too (sse.ts). Subscriptions by POST or in batches, streamed batches (jsonl), HEAD,
 * form data and anything unusual are handed to tRPC's own node adapter, so they behave exactly as
 * upstream.
 */
export function createLeanHandler<TRouter extends AnyTRPCRouter>(opts: LeanHandlerOptions<TRouter>): LeanHandler {
  const { router, createContext, onError } = opts;
  const config = router._def._config;
  const procedures = router._def.procedures as ProcedureMap;
  const hasLazy = Object.keys(router._def.lazy).length > 0;
  const separator: string = config.pathSeparator ?? ".";
  const maxBodySize = opts.maxBodySize ?? DEFAULT_MAX_BODY;
  // Past this, an oversized body is not worth draining for keep-alive: close the socket.
  const drainCap = Math.max(1024 * 1024, maxBodySize * 16);
  const basePath = trimSlashes(opts.basePath ?? "/api/trpc");
  const cors = opts.cors ? createCors(opts.cors) : undefined;
  const vary = cors ? `${STOCK_VARY}, Origin` : STOCK_VARY;
  const sse = createSseWriter({ config, onError: onError as HTTPErrorHandler<AnyTRPCRouter, IncomingMessage>, vary });

  const stock = createHTTPHandler({
    router,
    createContext,
    basePath: opts.basePath ?? "/api/trpc",
    onError,
    maxBodySize,
    maxBatchSize: opts.maxBatchSize,
    // The stock adapter sets its own Vary; keep Origin in it.
    responseMeta: cors ? () => ({ headers: new Headers({ vary: "Origin" }) }) : undefined,
  } as CreateHTTPHandlerOptions<TRouter>);

  function plan(req: IncomingMessage): Plan | null {
    const method = req.method;
    if (method !== "GET" && method !== "POST") return null;
    const contentType = req.headers["content-type"];
    if (method === "POST") {
      if (contentType === undefined || mediaType(contentType) !== "application/json") return null;
    } else if (contentType !== undefined) {
      const media = mediaType(contentType);
      if (media === "multipart/form-data" || media === "application/octet-stream") return null;
    }
    if (isStreamAccept(req)) return null;

    const target = readTarget(req);
    if (!target) return null;
    const params = target.searchParams;
    let path = trimSlashes(trimSlashes(target.pathname).slice(basePath.length));
    // Percent-escapes need tRPC's decoding and its error for malformed ones.
    if (path.includes("%")) return null;
    if (separator !== ".") path = path.split(separator).join(".");

    const isBatchCall = params.get("batch") === "1";
    const paths = isBatchCall ? path.split(",") : [path];
    if (isBatchCall && opts.maxBatchSize !== undefined && paths.length > opts.maxBatchSize) return null;

    const found: (AnyTRPCProcedure | null)[] = [];
    let type: TRPCProcedureType | "unknown" = "unknown";
    for (const p of paths) {
      const procedure = procedures[p];
      if (procedure === undefined) {
        // A lazy router may still hold it: only tRPC knows how to load that.
        if (hasLazy) return null;
        found.push(null);
        continue;
      }
      const t = procedure._def.type;
      // Mixed types get tRPC's own error; SSE only for a lone GET subscription.
      if (type !== "unknown" && type !== t) return null;
      if (t === "subscription" && (!sse.enabled || method !== "GET" || isBatchCall)) return null;
      type = t;
      found.push(procedure);
    }
    let connectionParams: TRPCRequestInfo["connectionParams"] = null;
    const rawParams = params.get("connectionParams");
    if (rawParams !== null) {
      if (type !== "subscription") return null;
      try {
        connectionParams = parseConnectionParamsFromString(rawParams);
      } catch {
        // tRPC answers a malformed one with its JSON PARSE_ERROR (400).
        return null;
      }
    }
    const accept = (req.headers["trpc-accept"] ?? null) as TRPCRequestInfo["accept"];
    return { method, target, isBatchCall, paths, procedures: found, type, accept, connectionParams };
  }

  async function serve(req: IncomingMessage, res: ServerResponse, p: Plan, headers: OutgoingHttpHeaders) {
    let raw: BodyOutcome | null;
    if (p.method === "GET") {
      raw = p.target.searchParams.get("input");
    } else {
      raw = await readBody(req, maxBodySize, drainCap);
      if (raw === ABORTED) return;
    }
    const inputs = parseInputs(raw, p.isBatchCall, p.paths.length, config.transformer.input.deserialize);

    const abort = new RequestAbort(res);

    const lastEventId = p.type === "subscription" ? getLastEventId(req, p.target.searchParams) : null;
    const info = new RequestInfo(
      p,
      abort,
      p.paths.map((path, index) => ({
        batchIndex: index,
        path,
        procedure: p.procedures[index] ?? null,
        getRawInput: lastEventId ? async () => withLastEventId(inputs.read(index), lastEventId) : async () => inputs.read(index),
        result: () => inputs.result(index),
      })),
    );

    let ctx: unknown;
    let ctxError: TRPCError | undefined;
    if (createContext) {
      try {
        const made = createContext({ req, res, info });
        ctx = isThenable(made) ? await made : made;
      } catch (cause) {
        ctxError = getTRPCErrorFromUnknown(cause);
      }
    }
    const ctxOrUndefined = ctxError ? undefined : ctx;

    if (p.type === "subscription") {
      await sse.serve({
        req,
        res,
        headers,
        path: p.paths[0]!,
        run: () =>
          invoke(p.procedures[0]!, {
            path: p.paths[0]!,
            getRawInput: info.calls[0]!.getRawInput,
            ctx,
            type: "subscription",
            abort,
            batchIndex: 0,
            input: undefined,
          }),
        ctx,
        ctxError,
        abort: abort.controller,
        getRawInput: info.calls[0]!.getRawInput,
        inputResult: () => inputs.result(0),
        lastEventId,
      });
      return;
    }

    let allow: string | undefined;
    const call = async (index: number): Promise<RPCResult> => {
      const procedure = p.procedures[index];
      const path = p.paths[index]!;
      try {
        if (!procedure) {
          throw new TRPCError({ code: "NOT_FOUND", message: `No procedure found on path "${path}"` });
        }
        const type = procedure._def.type;
        if ((type === "query") !== (p.method === "GET")) {
          // a 405 lists the methods the procedure accepts, as tRPC does
          allow = type === "query" ? "GET" : "POST";
          throw new TRPCError({
            code: "METHOD_NOT_SUPPORTED",
            message: `Unsupported ${p.method}-request to ${type} procedure at path "${path}"`,
          });
        }
        if (ctxError) throw ctxError;
        // The same call resolveResponse and createCaller make: middlewares, input parsing, resolver.
        const data: unknown = await invoke(procedure, {
          path,
          getRawInput: info.calls[index]!.getRawInput,
          ctx,
          type,
          abort,
          batchIndex: index,
          input: undefined,
        });
        return [undefined, { data }];
      } catch (cause) {
        const error = getTRPCErrorFromUnknown(cause);
        onError?.({
          error,
          path,
          input: inputs.result(index),
          ctx: ctxOrUndefined,
          type: procedure?._def.type ?? "unknown",
          req,
        });
        return [error, undefined];
      }
    };

    const shapeOf = (error: TRPCError, index: number, type: TRPCProcedureType | "unknown"): ErrorShape =>
      getTRPCErrorShape({
        config,
        ctx: ctxOrUndefined,
        error,
        input: inputs.result(index),
        path: p.paths[index],
        type,
      });

    try {
      let status: number;
      let body: string;
      if (!p.isBatchCall) {
        const [error, result] = await call(0);
        if (result && isDataStream(result.data)) {
          throw new TRPCError({
            code: "UNSUPPORTED_MEDIA_TYPE",
            message: "Cannot use stream-like response in non-streaming request - use httpBatchStreamLink",
          });
        }
        if (error) {
          const response: TRPCResponse = { error: shapeOf(error, 0, p.type) };
          status = getHTTPStatusCode([response], [error]);
          body = JSON.stringify(transformTRPCResponse(config, response));
        } else {
          status = 200;
          // transformTRPCResponse's result for it, without its four transpiled object spreads
          // (3% of a status read's CPU in the profiles).
          body = JSON.stringify({ result: { data: config.transformer.output.serialize(result.data) } });
        }
      } else {
        const settled = await Promise.all(p.paths.map((_, index) => call(index)));
        const errors: (TRPCError | undefined)[] = [];
        const responses = settled.map(([error, result], index): TRPCResponse => {
          let err = error;
          if (result && isDataStream(result.data)) {
            err = new TRPCError({
              code: "UNSUPPORTED_MEDIA_TYPE",
              message: "Cannot use stream-like response in non-streaming request - use httpBatchStreamLink",
            });
          }
          errors.push(err);
          if (err) return { error: shapeOf(err, index, p.procedures[index]?._def.type ?? "unknown") };
          return { result: { data: result?.data } };
        });
        status = getHTTPStatusCode(responses, errors);
        body = JSON.stringify(transformTRPCResponse(config, responses));
      }
      if (allow !== undefined) headers.allow = allow;
      send(res, status, body, headers);
    } catch (cause) {
      // resolveResponse's outer catch: an error that belongs to no single call.
      const error = getTRPCErrorFromUnknown(cause);
      onError?.({ error, path: undefined, input: undefined, ctx: ctxOrUndefined, type: p.type, req });
      const response = {
        error: getTRPCErrorShape({ config, error, type: p.type, path: undefined, input: undefined, ctx: ctxOrUndefined }),
      };
      const status = getHTTPStatusCode(response, [error]);
      if (allow !== undefined) headers.allow = allow;
      send(res, status, JSON.stringify(transformTRPCResponse(config, response)), headers);
    }
  }

  function send(res: ServerResponse, status: number, body: string, headers: OutgoingHttpHeaders) {
    // The client left while the procedure ran: nobody to answer.
    if (isGone(res)) return;
    headers["content-type"] = "application/json";
    headers.vary = vary;
    headers["content-length"] = Buffer.byteLength(body);
    // Like the stock adapter: a status set by the context or a procedure wins.
    res.writeHead(res.statusCode === 200 ? status : res.statusCode, headers);
    res.end(body);
  }

  /** Last resort, as nodeHTTPRequestHandler's exception handler: never a stack, never a hang. */
  function fail(req: IncomingMessage, res: ServerResponse, cause: unknown, headers: OutgoingHttpHeaders) {
    const error = getTRPCErrorFromUnknown(cause);
    let shape: ErrorShape;
    try {
      shape = getTRPCErrorShape({ config, error, type: "unknown", path: undefined, input: undefined, ctx: undefined });
    } catch {
      shape = FALLBACK_ERROR_SHAPE;
    }
    try {
      onError?.({ error, path: undefined, input: undefined, ctx: undefined, type: "unknown", req });
    } catch {
      // a throwing logger must not stop the response
    }
    if (res.headersSent) {
      res.end();
      return;
    }
    const status = typeof shape.data?.httpStatus === "number" ? shape.data.httpStatus : 500;
    try {
      send(res, status, JSON.stringify(transformTRPCResponse(config, { error: shape })), headers);
    } catch {
      send(res, 500, JSON.stringify({ error: FALLBACK_ERROR_SHAPE }), headers);
    }
  }

  return (req, res) => {
    const headers: OutgoingHttpHeaders = { "x-request-id": assignRequestId(req) };
    if (cors) {
      cors.apply(req, headers);
      if (req.method === "OPTIONS") {
        cors.preflight(req, res, headers);
        return;
      }
    }
    const p = plan(req);
    if (p === null) {
      for (const [name, value] of Object.entries(headers)) {
        if (name !== "vary" && value !== undefined) res.setHeader(name, value);
      }
      stock(req, res);
      return;
    }
    serve(req, res, p, headers).catch((cause: unknown) => fail(req, res, cause, headers));
  };
}

/**
 * The request's abort signal, aborted when the client leaves before the response ended (as
 * tRPC's node adapter does), but made only when something reads it: few queries and mutations
 * do, and an AbortController plus a close listener per request showed in the profiles.
 */
class RequestAbort {
  #controller: AbortController | undefined;
  readonly #res: ServerResponse;
  constructor(res: ServerResponse) {
    this.#res = res;
  }
  get controller(): AbortController {
    let controller = this.#controller;
    if (controller === undefined) {
      const c = new AbortController();
      const res = this.#res;
      if (!isClosed(res)) {
        res.once("close", () => {
          if (!res.writableEnded) c.abort();
        });
      } else if (!res.writableEnded) {
        c.abort();
      }
      this.#controller = controller = c;
    }
    return controller;
  }
}

/** The parts of a procedure's `_def` its middleware chain runs on (tRPC v11 internals). */
interface ChainDef {
  middlewares: ((opts: unknown) => Promise<MiddlewareResult>)[];
  meta: unknown;
  caller?: unknown;
}
type MiddlewareResult = { ok: true; data: unknown } | { ok: false; error: TRPCError };
interface NextOptions {
  ctx?: object;
  input?: unknown;
  getRawInput?: () => Promise<unknown>;
}
/** One level of the chain: tRPC's procedure call options, with the signal not made yet. */
interface Level {
  path: string;
  getRawInput: () => Promise<unknown>;
  ctx: unknown;
  type: TRPCProcedureType;
  abort: RequestAbort;
  batchIndex: number;
  input: unknown;
}

// tRPC's marker on a middleware result (callRecursive's error results carry it too).
const MIDDLEWARE_MARKER = "middlewareMarker";

/**
 * Calls a procedure as `procedure(opts)` does: its middlewares in order, then the resolver.
 * tRPC's callRecursive copies the options with a transpiled object-spread helper (a
 * defineProperty per key) twice per level, the largest tRPC item in the request profiles;
 * native spreads and literals do the same copies for a fraction of it. Semantics follow
 * @trpc/server 11's callRecursive/createProcedureCaller line for line; a procedure with an
 * `experimental_caller` runs its own way.
 */
async function invoke(procedure: AnyTRPCProcedure, opts: Level): Promise<unknown> {
  const def = procedure._def as unknown as ChainDef;
  if (def.caller !== undefined || !Array.isArray(def.middlewares)) {
    return procedure({
      path: opts.path,
      getRawInput: opts.getRawInput,
      ctx: opts.ctx,
      type: opts.type,
      signal: opts.abort.controller.signal,
      batchIndex: opts.batchIndex,
    });
  }
  const result = await runChain(0, def, opts);
  if (!result) {
    throw new TRPCError({
      code: "INTERNAL_SERVER_ERROR",
      message: "No result from middlewares - did you forget to `return next()`?",
    });
  }
  if (!result.ok) throw result.error;
  return result.data;
}

async function runChain(index: number, def: ChainDef, o: Level): Promise<MiddlewareResult | undefined> {
  try {
    const middleware = def.middlewares[index]!;
    return await middleware(
      new MiddlewareOptions(o, def.meta, (nextOpts?: NextOptions) =>
        runChain(index + 1, def, {
          path: o.path,
          getRawInput: nextOpts?.getRawInput ?? o.getRawInput,
          ctx: nextOpts?.ctx ? merge(o.ctx as object, nextOpts.ctx) : o.ctx,
          type: o.type,
          abort: o.abort,
          batchIndex: o.batchIndex,
          input: nextOpts && "input" in nextOpts ? nextOpts.input : o.input,
        }),
      ),
    );
  } catch (cause) {
    return { ok: false, error: getTRPCErrorFromUnknown(cause), marker: MIDDLEWARE_MARKER } as MiddlewareResult;
  }
}

/**
 * tRPC's request `info`, with `signal` made on first read. A class, not an object literal with a
 * getter: with a new getter closure each time, V8 (Node 20) kept everything such objects reach (the
 * closure's scope: the request's state, node's req and res) through every young-generation GC
 * until a full one. A fifth to a third of all allocation survived the scavenges, with pauses of
 * 20 ms and more (decisions.md §22).
 */
class RequestInfo implements TRPCRequestInfo {
  readonly isBatchCall: boolean;
  readonly accept: TRPCRequestInfo["accept"];
  readonly type: TRPCRequestInfo["type"];
  readonly connectionParams: TRPCRequestInfo["connectionParams"];
  readonly calls: TRPCRequestInfo["calls"];
  readonly #abort: RequestAbort;
  readonly #target: Target;
  constructor(p: Plan, abort: RequestAbort, calls: TRPCRequestInfo["calls"]) {
    this.isBatchCall = p.isBatchCall;
    this.accept = p.accept;
    this.type = p.type;
    this.connectionParams = p.connectionParams;
    this.calls = calls;
    this.#abort = abort;
    this.#target = p.target;
  }
  /** Made on first read: nothing on the hot path reads it. */
  get url(): URL {
    return this.#target.url();
  }
  get signal(): AbortSignal {
    return this.#abort.controller.signal;
  }
}

/**
 * What a middleware, and last the resolver, is called with. A class rather than a literal: in
 * V8 an object literal with a getter costs ~0.5 µs to make, and `{ ...opts, key }` ~1.5 µs.
 * The signal is a getter on the prototype, so reading it (destructuring too) makes it; only a
 * copy by spread would not carry it.
 */
class MiddlewareOptions {
  readonly path: string;
  readonly getRawInput: () => Promise<unknown>;
  readonly ctx: unknown;
  readonly type: TRPCProcedureType;
  readonly batchIndex: number;
  readonly input: unknown;
  readonly meta: unknown;
  readonly next: (nextOpts?: NextOptions) => Promise<MiddlewareResult | undefined>;
  readonly #abort: RequestAbort;
  constructor(o: Level, meta: unknown, next: (nextOpts?: NextOptions) => Promise<MiddlewareResult | undefined>) {
    this.path = o.path;
    this.getRawInput = o.getRawInput;
    this.ctx = o.ctx;
    this.type = o.type;
    this.batchIndex = o.batchIndex;
    this.input = o.input;
    this.meta = meta;
    this.next = next;
    this.#abort = o.abort;
  }
  get signal(): AbortSignal {
    return this.#abort.controller.signal;
  }
}

/**
 * `{ ...base, ...extra }`, the context a middleware's `next({ ctx })` passes on. Object.assign
 * copies the same own enumerable keys ~20 times faster in V8; it differs only for a key named
 * `__proto__` (it would set the prototype), which takes the spread.
 */
function merge(base: object, extra: object): object {
  if (Object.hasOwn(base, "__proto__") || Object.hasOwn(extra, "__proto__")) return { ...base, ...extra };
  return Object.assign({}, base, extra);
}

/**
 * The inputs of a request, parsed up front but failing lazily: like tRPC's memoised reader, an
 * unparsable body only fails the procedures that read their input.
 */
function parseInputs(
  raw: string | null | typeof TOO_LARGE,
  isBatchCall: boolean,
  count: number,
  deserialize: (value: unknown) => unknown,
) {
  let values: Record<number, unknown> | undefined;
  let error: TRPCError | undefined;
  let wasRead = false;
  try {
    if (raw === TOO_LARGE) throw new TRPCError({ code: "PAYLOAD_TOO_LARGE" });
    const parsed: unknown = raw ? JSON.parse(raw) : undefined;
    values = Object.create(null) as Record<number, unknown>;
    if (parsed !== undefined) {
      if (!isBatchCall) {
        values[0] = deserialize(parsed);
      } else {
        if (!isObject(parsed)) {
          throw new TRPCError({ code: "BAD_REQUEST", message: '"input" needs to be an object when doing a batch call' });
        }
        for (let index = 0; index < count; index++) {
          const value = parsed[index];
          if (value !== undefined) values[index] = deserialize(value);
        }
      }
    }
  } catch (cause) {
    values = undefined;
    error =
      cause instanceof TRPCError
        ? cause
        : new TRPCError({ code: "BAD_REQUEST", message: cause instanceof Error ? cause.message : "Invalid input", cause });
  }
  return {
    read(index: number): unknown {
      wasRead = true;
      if (error) throw error;
      return values?.[index];
    },
    /** The input as errors report it: known only once some procedure read it. */
    result(index: number): unknown {
      return wasRead ? values?.[index] : undefined;
    },
  };
}

/** tRPC's getLastEventId: the EventSource header, else the query parameters a link may send. */
function getLastEventId(req: IncomingMessage, params: URLSearchParams): string | null {
  const header = req.headers["last-event-id"];
  return (Array.isArray(header) ? header.join(", ") : header) ?? params.get("lastEventId") ?? params.get("Last-Event-Id");
}

/** tRPC merges the last event id into a subscription's input (an object, or none). */
function withLastEventId(input: unknown, lastEventId: string): unknown {
  if (isObject(input)) return { ...input, lastEventId };
  return input ?? { lastEventId };
}

function trimSlashes(path: string): string {
  let out = path.startsWith("/") ? path.slice(1) : path;
  out = out.endsWith("/") ? out.slice(0, -1) : out;
  return out;
}

function mediaType(contentType: string): string | undefined {
  return contentType.toLowerCase().split(";", 1)[0]?.trim();
}

/** tRPC's getAcceptHeader: `trpc-accept` wins, else `accept` listing application/jsonl. */
function isStreamAccept(req: IncomingMessage): boolean {
  const trpcAccept = req.headers["trpc-accept"];
  if (trpcAccept !== undefined) return trpcAccept === "application/jsonl";
  const accept = req.headers.accept;
  return accept?.split(",").some((t) => t.trim() === "application/jsonl") === true;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return !!value && !Array.isArray(value) && typeof value === "object";
}

function isThenable<T>(value: T | Promise<T>): value is Promise<T> {
  return typeof (value as { then?: unknown } | null)?.then === "function";
}

function isAsyncIterable(value: unknown): boolean {
  return isObject(value) && Symbol.asyncIterator in value;
}

function isPromiseLike(value: unknown): boolean {
  const v = value as { then?: unknown; catch?: unknown } | null;
  return (
    (isObject(value) || typeof value === "function") && typeof v?.then === "function" && typeof v?.catch === "function"
  );
}

/** tRPC's isDataStream: async iterables and objects holding promises/iterables need the stream link. */
function isDataStream(value: unknown): boolean {
  if (!isObject(value)) return false;
  if (isAsyncIterable(value)) return true;
  const values = Object.values(value);
  return values.some(isPromiseLike) || values.some(isAsyncIterable);
}

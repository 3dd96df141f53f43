import type { IncomingMessage, OutgoingHttpHeaders, ServerResponse } from "node:http";
import {
  type AnyTRPCRouter,
  getTRPCErrorFromUnknown,
  getTRPCErrorShape,
  isTrackedEnvelope,
  TRPCError,
} from "@trpc/server";
import type { HTTPErrorHandler } from "@trpc/server/http";
import { isObservable, observableToAsyncIterable } from "@trpc/server/observable";
import { isGone, isHttp2 } from "./compat.js";
import { PUSH, type PushHandle, type PushSink, type PushSource, isPushSource } from "../push-source.js";

/**
 * Subscriptions over SSE written straight to node:http, in tRPC v11's wire format.
 *
 * tRPC's adapter passes every event through an async-generator chain (ping, error handling),
 * two TransformStreams, a TextEncoderStream and a WritableStream before `res.write`; here an event
 * is one JSON.stringify and one `res.write`. What a client can see is kept: the `connected` event
 * first, `data:` frames with `id:` for `tracked()` values (and tRPC's empty id + `restore-id`
 * for untracked ones after an id), `ping` events while the generator is quiet, `return` when it
 * ends, `serialized-error` with the error formatter's shape when it throws (also for errors
 * before the first value: tRPC answers 200 and sends them in the stream), and the response simply
 * ends at `maxDurationMs`, so EventSource reconnects with Last-Event-ID.
 */

type Config = AnyTRPCRouter["_def"]["_config"];

export interface SseCall {
  req: IncomingMessage;
  res: ServerResponse;
  /** Headers already decided for the response (request id, CORS). */
  headers: OutgoingHttpHeaders;
  path: string;
  /**
   * Runs the procedure (middlewares, input parsing, resolver) and resolves to what the resolver
   * returned; the lean handler's chain runner, as for queries and mutations.
   */
  run: () => Promise<unknown>;
  /** The context, or the error creating it threw. */
  ctx: unknown;
  ctxError: TRPCError | undefined;
  /** Aborted when the client leaves; aborted by the stream at maxDurationMs or when it ends. */
  abort: AbortController;
  /** The raw input with the request's last event id merged in, as tRPC does. */
  getRawInput: () => Promise<unknown>;
  /** The input as errors report it. */
  inputResult: () => unknown;
  /** The Last-Event-ID of the request (header, else `lastEventId`/`Last-Event-Id` query param). */
  lastEventId: string | null;
}

export interface SseWriter {
  /** False when the router's SSE settings need tRPC's own producer (disabled, emit-and-end). */
  enabled: boolean;
  serve(call: SseCall): Promise<void>;
}

const SSE_HEADERS = {
  "content-type": "text/event-stream",
  "cache-control": "no-cache, no-transform",
  "x-accel-buffering": "no",
  connection: "keep-alive",
};
const PING_FRAME = "event: ping\ndata: \n\n\n";
const RETURN_FRAME = "event: return\ndata: \n\n\n";
// A Last-Event-ID with these cannot be written back as an SSE id.
const BAD_ID = /[\0\n\r]/;

export function createSseWriter(opts: {
  config: Config;
  onError?: HTTPErrorHandler<AnyTRPCRouter, IncomingMessage>;
  vary: string;
}): SseWriter {
  const { config, onError, vary } = opts;
  const sse = config.sse ?? {};
  const client = sse.client ?? {};
  const pingEnabled = sse.ping?.enabled ?? false;
  const pingMs = sse.ping?.intervalMs ?? 1000;
  const pings = pingEnabled && pingMs !== Number.POSITIVE_INFINITY && pingMs > 0;
  const maxDurationMs = sse.maxDurationMs;
  // tRPC's producer throws for this combination on every request; let it.
  const badPing = pingEnabled && !!client.reconnectAfterInactivityMs && pingMs > client.reconnectAfterInactivityMs;
  const enabled = sse.enabled !== false && !sse.emitAndEndImmediately && !badPing;
  const connectedFrame = `event: connected\ndata: ${JSON.stringify(client)}\n\n\n`;
  const serialize = (value: unknown): unknown => config.transformer.output.serialize(value);

  function errorFrame(call: SseCall, cause: unknown): string {
    const error = getTRPCErrorFromUnknown(cause);
    const ctx = call.ctxError ? undefined : call.ctx;
    const input = call.inputResult();
    onError?.({ error, path: call.path, input, ctx, type: "subscription", req: call.req });
    const shape = getTRPCErrorShape({ config, ctx, error, input, path: call.path, type: "subscription" });
    return `event: serialized-error\ndata: ${JSON.stringify(serialize(shape))}\n\n\n`;
  }

  async function serve(call: SseCall): Promise<void> {
    const { req, res, abort, path } = call;
    let iterable: AsyncIterable<unknown> | undefined;
    let source: PushSource<unknown> | undefined;
    let failure: unknown;
    try {
      if (call.ctxError) throw call.ctxError;
      // Middlewares (auth), input parsing, then the resolver, which returns the generator.
      const data: unknown = await call.run();
      if (isPushSource(data)) source = data;
      else if (isObservable(data)) iterable = observableToAsyncIterable(data, abort.signal);
      else if (isAsyncIterable(data)) iterable = data;
      else {
        failure = new TRPCError({
          message: `Subscription ${path} did not return an observable or a AsyncGenerator`,
          code: "INTERNAL_SERVER_ERROR",
        });
      }
    } catch (cause) {
      // tRPC reports a failed call here and again when the stream carries it (errorFrame).
      const error = getTRPCErrorFromUnknown(cause);
      onError?.({
        error,
        path,
        input: call.inputResult(),
        ctx: call.ctxError ? undefined : call.ctx,
        type: "subscription",
        req,
      });
      failure = error;
    }

    if (isGone(res)) {
      // Gone while the procedure ran: a generator (or a source) that never started has nothing to clean up.
      if (iterable) close(iterable[Symbol.asyncIterator]());
      return;
    }
    const headers = call.headers;
    Object.assign(headers, SSE_HEADERS);
    // HTTP/2 forbids it (node drops it with a warning).
    if (isHttp2(req)) delete headers.connection;
    headers.vary = vary;
    // A status set by the context or a procedure wins, as in tRPC's adapter.
    res.writeHead(res.statusCode, headers);
    if (!iterable && !source) {
      res.end(connectedFrame + errorFrame(call, failure));
      return;
    }
    // The first frame carries the headers out at once.
    res.write(connectedFrame);
    if (source) await push(call, source);
    else if (iterable) await pump(call, iterable);
  }

  /** tRPC's frame for one value; `lastEventId` is the stream's, updated by tracked values. */
  function frameOf(value: unknown, stream: { lastEventId: string | null }): string {
    if (isTrackedEnvelope(value)) {
      stream.lastEventId = value[0];
      return `data: ${JSON.stringify(serialize(value[1]))}\nid: ${value[0]}\n\n\n`;
    }
    if (stream.lastEventId === null) return `data: ${JSON.stringify(serialize(value))}\n\n\n`;
    // tRPC clears the id for an untracked value, then restores the last one.
    return `data: ${JSON.stringify(serialize(value))}\nid: \n\n\nevent: restore-id\ndata: \nid: ${stream.lastEventId}\n\n\n`;
  }

  /**
   * A push source: each value is written from the source's own call, with no promise or
   * generator step between the event and the socket. Same frames, pings, deadline, backpressure
   * and endings as `pump`.
   */
  function push(call: SseCall, source: PushSource<unknown>): Promise<void> {
    const { res, abort } = call;
    const stream = { lastEventId: call.lastEventId && !BAD_ID.test(call.lastEventId) ? call.lastEventId : null };
    let stopped = false;
    let full = false;
    let handle: PushHandle | undefined;
    let ended: () => void = noop;
    const over = new Promise<void>((resolve) => {
      ended = resolve;
    });

    const ping = pings
      ? setTimeout(function onPing() {
          if (!stopped && !full) res.write(PING_FRAME);
          ping?.refresh();
        }, pingMs)
      : undefined;
    ping?.unref();

    const release = () => {
      stopped = true;
      clearTimeout(ping);
      clearTimeout(deadline);
      res.off("close", stop);
      res.off("drain", onDrain);
      handle?.stop();
      ended();
    };
    // Client gone, maxDurationMs, or server shutdown.
    const stop = () => {
      if (stopped) return;
      release();
      if (!abort.signal.aborted) abort.abort();
      if (!res.writableEnded) res.end();
    };
    const finish = (last: string) => {
      if (stopped) return;
      release();
      res.end(last);
    };
    const deadline = maxDurationMs ? setTimeout(stop, maxDurationMs) : undefined;
    deadline?.unref();
    const onDrain = () => {
      if (!full || stopped) return;
      full = false;
      handle?.resume();
    };
    res.on("close", stop);
    res.on("drain", onDrain);
    if (abort.signal.aborted) {
      stop();
      return over;
    }

    // The sink is called from the source's own loop (a room's pass over its watchers): nothing here
    // may throw into it, not even an error formatter that fails.
    const failWith = (cause: unknown) => {
      let last = "";
      try {
        last = errorFrame(call, cause);
      } catch {
        // the stream just ends
      }
      finish(last);
    };
    const sink: PushSink<unknown> = {
      next(value) {
        if (stopped) return false;
        let frame: string;
        try {
          frame = frameOf(value, stream);
        } catch (cause) {
          // A value that did not serialise ends the stream, as in pump.
          failWith(cause);
          return false;
        }
        ping?.refresh();
        full = !res.write(frame);
        return !full;
      },
      done: () => finish(RETURN_FRAME),
      fail(cause) {
        if (stopped) return;
        if (isAbortError(cause)) finish("");
        else failWith(cause);
      },
    };
    handle = source[PUSH](sink);
    // It may have ended while starting (a final status at once).
    if (stopped) handle.stop();
    return over;
  }

  async function pump(call: SseCall, iterable: AsyncIterable<unknown>): Promise<void> {
    const { res, abort } = call;
    const iterator = iterable[Symbol.asyncIterator]();
    const stream = { lastEventId: call.lastEventId && !BAD_ID.test(call.lastEventId) ? call.lastEventId : null };
    let stopped = false;
    let draining: (() => void) | null = null;

    const ping = pings
      ? setTimeout(function onPing() {
          // A full buffer already tells the client the stream lives.
          if (!stopped && draining === null) res.write(PING_FRAME);
          ping?.refresh();
        }, pingMs)
      : undefined;
    ping?.unref();

    // Client gone, maxDurationMs, or server shutdown: stop writing, end the generator.
    const stop = () => {
      if (stopped) return;
      stopped = true;
      clearTimeout(ping);
      clearTimeout(deadline);
      res.off("close", stop);
      res.off("drain", onDrain);
      draining?.();
      if (!abort.signal.aborted) abort.abort();
      // Queued behind a pending next(): the generator returns at its next yield, so its finally
      // (unsubscribing from the queue) runs.
      close(iterator);
      if (!res.writableEnded) res.end();
    };
    const deadline = maxDurationMs ? setTimeout(stop, maxDurationMs) : undefined;
    deadline?.unref();
    const onDrain = () => draining?.();
    res.on("close", stop);
    res.on("drain", onDrain);
    if (abort.signal.aborted) stop();

    try {
      while (!stopped) {
        const step = await iterator.next();
        if (stopped) return;
        if (step.done) {
          finish(RETURN_FRAME);
          return;
        }
        const frame = frameOf(step.value, stream);
        ping?.refresh();
        if (!res.write(frame) && !stopped) {
          // Pull nothing more until the socket takes it (watch() coalesces what piles up meanwhile).
          await new Promise<void>((resolve) => {
            draining = resolve;
          });
          draining = null;
        }
      }
    } catch (cause) {
      if (stopped) return;
      if (isAbortError(cause)) {
        finish("");
        return;
      }
      // A value that did not serialise leaves the generator suspended at its yield.
      close(iterator);
      finish(errorFrame(call, cause));
    }

    function finish(last: string) {
      stopped = true;
      clearTimeout(ping);
      clearTimeout(deadline);
      res.off("close", stop);
      res.off("drain", onDrain);
      res.end(last);
    }
  }

  return { enabled, serve };
}

function noop(): void {}

/** Ends an iterator without waiting; a misbehaving return() must not throw into a timer or event. */
function close(iterator: AsyncIterator<unknown>): void {
  try {
    iterator.return?.()?.catch(noop);
  } catch {
    // nothing left to clean up that we could reach
  }
}

function isAsyncIterable(value: unknown): value is AsyncIterable<unknown> {
  return typeof value === "object" && value !== null && Symbol.asyncIterator in value;
}

function isAbortError(error: unknown): boolean {
  return typeof error === "object" && error !== null && (error as { name?: unknown }).name === "AbortError";
}

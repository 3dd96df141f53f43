/**
 * A subscription result that can also push. tRPC's adapters (and `createCaller`) iterate a
 * subscription; the lean SSE writer, seeing `[PUSH]`, hands it a sink instead, so a hot stream
 * (queue.watch, 19,000 of them in one process) costs no promise or generator step per event.
 * Both ways must yield the same values: the conformance tests hold the lean writer's frames to the
 * stock adapter's, which iterates.
 */
export const PUSH: unique symbol = Symbol("quickdeal.push");

export interface PushSink<T> {
  /** A value to send; false when the stream's buffer is full: nothing more until `resume()`. */
  next(value: T): boolean;
  /** The source ended after its last value. */
  done(): void;
  /** The source failed; nothing follows. */
  fail(err: unknown): void;
}

export interface PushHandle {
  /** The stream drained: deliver what is due. */
  resume(): void;
  /** The client left or the stream ended: release everything. Idempotent. */
  stop(): void;
}

export interface PushSource<T> extends AsyncIterable<T> {
  [PUSH](sink: PushSink<T>): PushHandle;
}

export function isPushSource(value: unknown): value is PushSource<unknown> {
  return typeof value === "object" && value !== null && typeof (value as { [PUSH]?: unknown })[PUSH] === "function";
}

import type { IncomingMessage } from "node:http";

/** The body was larger than allowed; the rest of it is being discarded. */
export const TOO_LARGE: unique symbol = Symbol("body too large");
/** The client went away before the body ended. */
export const ABORTED: unique symbol = Symbol("body aborted");

export type BodyOutcome = string | typeof TOO_LARGE | typeof ABORTED;

/**
 * Reads a request body as UTF-8 text, refusing more than `limit` bytes.
 * An oversized body is not read into memory: the rest is drained and dropped so the keep-alive
 * connection stays usable, and past `drainCap` bytes the socket is closed instead.
 */
export function readBody(req: IncomingMessage, limit: number, drainCap: number): Promise<BodyOutcome> {
  return new Promise((resolve) => {
    const declared = Number(req.headers["content-length"]);
    if (declared > limit) {
      discard(req, 0, drainCap);
      resolve(TOO_LARGE);
      return;
    }
    const chunks: Buffer[] = [];
    let size = 0;
    const onData = (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit) {
        cleanup();
        discard(req, size, drainCap);
        resolve(TOO_LARGE);
        return;
      }
      chunks.push(chunk);
    };
    const onEnd = () => {
      cleanup();
      const text =
        chunks.length === 1 ? chunks[0]!.toString("utf8") : Buffer.concat(chunks, size).toString("utf8");
      // Fetch's Request.text() (what the stock adapter uses) drops a UTF-8 byte order mark; so do we.
      resolve(text.charCodeAt(0) === 0xfeff ? text.slice(1) : text);
    };
    const onClose = () => {
      cleanup();
      resolve(ABORTED);
    };
    const cleanup = () => {
      req.off("data", onData);
      req.off("end", onEnd);
      req.off("error", onClose);
      req.off("close", onClose);
    };
    req.on("data", onData);
    req.on("end", onEnd);
    req.on("error", onClose);
    req.on("close", onClose);
  });
}

function discard(req: IncomingMessage, alreadyRead: number, drainCap: number): void {
  let size = alreadyRead;
  req.on("data", (chunk: Buffer) => {
    size += chunk.length;
    if (size > drainCap) req.socket.destroy();
  });
  req.on("error", () => {});
  req.resume();
}

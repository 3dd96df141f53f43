/** One server-sent event as tRPC's SSE producer writes it (`event:`, `data:`, `id:` lines). */
export interface SseEvent {
  event: string | null;
  data: string;
  id: string | null;
}

/**
 * Incremental SSE parser: feed decoded text, get complete events. Frames are found with one
 * `indexOf("\n\n")` each and their lines read in place (no split, no per-frame buffer copy): a
 * watcher's load generator parses every event the server sends, so this is on the bench's hot path.
 */
export class SseParser {
  private buf = "";

  push(text: string): SseEvent[] {
    const out: SseEvent[] = [];
    this.feed(text, (ev) => {
      out.push(ev);
      return false;
    });
    return out;
  }

  /**
   * Calls `onEvent` for each complete event in the text so far. When it returns true the parser
   * stops there (the rest stays buffered): the caller is done with the stream.
   */
  feed(text: string, onEvent: (ev: SseEvent) => boolean): void {
    const buf = this.buf.length === 0 ? text : this.buf + text;
    let start = 0;
    let end = buf.indexOf("\n\n");
    while (end !== -1) {
      const ev = parseBlock(buf, start, end);
      start = end + 2;
      if (ev && onEvent(ev)) break;
      end = buf.indexOf("\n\n", start);
    }
    this.buf = start === 0 ? buf : buf.slice(start);
  }
}

/** The event in buf[start, end), a block of lines; null when it has no field (comments only). */
function parseBlock(buf: string, start: number, end: number): SseEvent | null {
  let event: string | null = null;
  let id: string | null = null;
  let data: string | null = null;
  let any = false;
  let i = start;
  while (i < end) {
    let nl = buf.indexOf("\n", i);
    if (nl === -1 || nl > end) nl = end;
    // Empty lines (tRPC ends frames with three newlines) and comments carry nothing.
    if (nl !== i && buf.charCodeAt(i) !== 58 /* : */) {
      let colon = buf.indexOf(":", i);
      if (colon === -1 || colon > nl) colon = nl;
      let from = colon + 1;
      if (from < nl && buf.charCodeAt(from) === 32 /* space */) from++;
      const value = from < nl ? buf.slice(from, nl) : "";
      const len = colon - i;
      if (len === 4 && buf.startsWith("data", i)) data = data === null ? value : `${data}\n${value}`;
      else if (len === 5 && buf.startsWith("event", i)) event = value;
      else if (len === 2 && buf.startsWith("id", i)) id = value;
      // Any field, even one this parser ignores, makes the block an event (as the spec says).
      any = true;
    }
    i = nl + 1;
  }
  return any ? { event, data: data ?? "", id } : null;
}

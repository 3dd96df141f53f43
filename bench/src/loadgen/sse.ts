/** One server-sent event as tRPC's SSE producer writes it (`event:`, `data:`, `id:` lines). */
export interface SseEvent {
  event: string | null;
  data: string;
  id: string | null;
}

/** Incremental SSE parser: feed decoded text, get complete events. */
export class SseParser {
  private buf = "";

  push(text: string): SseEvent[] {
    this.buf += text;
    const out: SseEvent[] = [];
    let end = this.buf.indexOf("\n\n");
    while (end !== -1) {
      const block = this.buf.slice(0, end);
      this.buf = this.buf.slice(end + 2);
      const ev = parseBlock(block);
      if (ev) out.push(ev);
      end = this.buf.indexOf("\n\n");
    }
    return out;
  }
}

function parseBlock(block: string): SseEvent | null {
  let event: string | null = null;
  let id: string | null = null;
  const data: string[] = [];
  let any = false;
  for (const line of block.split("\n")) {
    if (line === "" || line.startsWith(":")) continue;
    const colon = line.indexOf(":");
    const field = colon === -1 ? line : line.slice(0, colon);
    let value = colon === -1 ? "" : line.slice(colon + 1);
    if (value.startsWith(" ")) value = value.slice(1);
    any = true;
    if (field === "event") event = value;
    else if (field === "data") data.push(value);
    else if (field === "id") id = value;
  }
  return any ? { event, data: data.join("\n"), id } : null;
}

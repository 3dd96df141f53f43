// queue.watch through the whole API (lean handler, real Redis/Kafka): the raw SSE a browser's
// EventSource gets, bearer auth by header or connection param, and no watcher left behind when
// clients hang up.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { API_BASE_PATH } from "../src/app.js";
import { type Api, guest, insertProduct, startApi, until } from "./harness.js";

let api: Api;
beforeAll(async () => {
  api = await startApi("ssewatch", { worker: true });
});
afterAll(() => api?.close());

async function openWatchers(): Promise<number> {
  const gauge = api.services.metrics.registry.getSingleMetric("qd_watchers");
  if (!gauge) throw new Error("no qd_watchers metric");
  const { values } = await gauge.get();
  return values[0]?.value ?? 0;
}

/**
 * Opens a watch as a raw event stream and reads until `enough` says so, the server ends it, or
 * `forMs` passed; returns the text and a hang-up.
 */
async function watchRaw(path: string, headers: Record<string, string>, enough: (text: string) => boolean, forMs = 10_000) {
  const ac = new AbortController();
  const res = await fetch(`${api.url}${API_BASE_PATH}/queue.watch${path}`, {
    headers: { accept: "text/event-stream", ...headers },
    signal: ac.signal,
  });
  const reader = res.body!.getReader();
  const decoder = new TextDecoder();
  let text = "";
  let ended = false;
  const timer = setTimeout(() => ac.abort(), forMs);
  try {
    while (!enough(text)) {
      const chunk = await reader.read();
      if (chunk.done) {
        ended = true;
        break;
      }
      text += decoder.decode(chunk.value, { stream: true });
    }
  } catch {
    // forMs passed
  } finally {
    clearTimeout(timer);
  }
  return { res, text, ended, hangUp: () => ac.abort() };
}

const enc = (v: unknown) => encodeURIComponent(JSON.stringify(v));

describe("queue.watch over the lean SSE path", () => {
  it("streams the ticket's status with its version as the event id; hanging up ends every watcher", async () => {
    const productId = await insertProduct(api.services, { stock: 5, capacity: 1 });
    const holder = await guest(api);
    const held = await holder.client.queue.join.mutate({ productId });
    const g = await guest(api);
    const t = await g.client.queue.join.mutate({ productId });
    // Once the holder is admitted the waiting ticket's status stays put (first in line).
    await until(async () => {
      const s = await g.client.queue.status.query({ ticket: t.ticket });
      return s.state === "WAITING" && s.ahead === 0;
    });
    const before = await openWatchers();

    const streams = await Promise.all(
      Array.from({ length: 10 }, (_, i) =>
        watchRaw(
          // half authenticate like a browser EventSource (connection param), half with a header
          i % 2 === 0
            ? `?input=${enc({ ticket: t.ticket })}&connectionParams=${enc({ token: g.token })}`
            : `?input=${enc({ ticket: t.ticket })}`,
          i % 2 === 0 ? { origin: "http://web.test" } : { authorization: `Bearer ${g.token}` },
          (text) => /\nid: [^\n]+\n\n\n/.test(text),
        ),
      ),
    );
    for (const s of streams) {
      expect(s.res.status).toBe(200);
      expect(s.res.headers.get("content-type")).toBe("text/event-stream");
      expect(s.res.headers.get("cache-control")).toBe("no-cache, no-transform");
      expect(s.res.headers.get("x-request-id")).toBeTruthy();
      const m = /^event: connected\ndata: \{"reconnectAfterInactivityMs":25000\}\n\n\ndata: (\{.*\})\nid: ([^\n]+)\n\n\n$/.exec(s.text);
      expect(m, s.text).not.toBeNull();
      const status = JSON.parse(m![1]!) as { ticket: string; state: string; version: string };
      expect(status.ticket).toBe(t.ticket);
      expect(status.state).toBe("WAITING");
      expect(m![2]).toBe(status.version);
    }
    expect(streams[0]!.res.headers.get("access-control-allow-origin")).toBe("http://web.test");
    expect(await openWatchers()).toBe(before + 10);

    for (const s of streams) s.hangUp();
    await until(async () => (await openWatchers()) === before, 5_000, "watchers to end");

    // Resuming with Last-Event-ID at the current version skips the status the client has.
    const version = /\nid: ([^\n]+)\n/.exec(streams[0]!.text)![1]!;
    const resumed = await watchRaw(
      `?input=${enc({ ticket: t.ticket })}`,
      { authorization: `Bearer ${g.token}`, "last-event-id": version },
      () => false,
      800,
    );
    expect(resumed.text).toBe('event: connected\ndata: {"reconnectAfterInactivityMs":25000}\n\n\n');
    await until(async () => (await openWatchers()) === before, 5_000, "resumed watcher to end");
    await holder.client.queue.leave.mutate({ ticket: held.ticket });
  });

  it("refuses a missing session and a foreign ticket in the stream, opening no watcher", async () => {
    const productId = await insertProduct(api.services, { stock: 5, capacity: 5 });
    const owner = await guest(api);
    const thief = await guest(api);
    const t = await owner.client.queue.join.mutate({ productId });
    const before = await openWatchers();
    const anon = await watchRaw(`?input=${enc({ ticket: t.ticket })}`, {}, () => false);
    const foreign = await watchRaw(
      `?input=${enc({ ticket: t.ticket })}&connectionParams=${enc({ token: thief.token })}`,
      {},
      () => false,
    );
    for (const [r, code] of [
      [anon, "UNAUTHORIZED"],
      [foreign, "FORBIDDEN"],
    ] as const) {
      expect(r.ended).toBe(true);
      expect(r.res.status).toBe(200);
      expect(r.text).toMatch(new RegExp(`^event: connected\\n.*\\n\\n\\nevent: serialized-error\\ndata: \\{.*"code":"${code}"`, "s"));
      expect(r.text).not.toContain("stack");
    }
    expect(await openWatchers()).toBe(before);
  });
});

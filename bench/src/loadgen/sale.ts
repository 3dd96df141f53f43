import { randomBytes } from "node:crypto";
import { setMaxListeners } from "node:events";
import { setTimeout as sleep } from "node:timers/promises";
import { jitter, withLimit } from "./drive.js";
import type { PublishTimes } from "./publish-times.js";
import type { Recorder } from "./recorder.js";
import type { SseEvent } from "./sse.js";
import { openSse, type SseEnd } from "./sse-client.js";
import { H2SseConnections } from "./sse-h2-client.js";
import { type TrpcHttp, timed } from "./trpc.js";

/** The fields of the API's TicketStatus the shoppers act on. */
export interface Status {
  ticket: string;
  seq: number;
  state: "WAITING" | "ADMITTED" | "PAYING" | "PURCHASED" | "EXPIRED" | "SOLD_OUT" | "LEFT";
  ahead: number;
  etaSec: number | null;
}

export interface Shopper {
  token?: string;
  ticket?: string;
  seq?: number;
}

const TERMINAL = new Set(["PURCHASED", "EXPIRED", "SOLD_OUT", "LEFT"]);
const CARD = { number: "4242424242424242", expMonth: 12, expYear: 2030, cvc: "123", name: "Bench Shopper" };

export interface SaleParams {
  watchUpTo: number;
  pollUpTo: number;
  thinkMs: number;
  pollMs: number;
  pollMaxMs: number;
  openConcurrency: number;
  /** Streams per HTTP/2 connection; 0: HTTP/1.1, a socket per stream. */
  sseH2: number;
}

/** What the sale needs of a watcher stream, over either protocol. */
interface WatchStream {
  readonly done: Promise<SseEnd>;
  close(): void;
}

/**
 * The sale as shoppers live it: the front of the line watches over SSE (one stream each), the
 * rest of the buyers poll `queue.status`; whoever is admitted thinks for a moment and pays with
 * the approving test card. Measures how late each watcher learns that the line moved.
 */
export class Sale {
  private readonly abort = new AbortController();
  private readonly tasks: Promise<void>[] = [];
  private readonly buying = new Set<number>();
  private readonly host: string;
  private readonly port: number;
  /** Open watcher streams: the one "sale over" listener closes them all. */
  private readonly streams = new Set<WatchStream>();
  /** The HTTP/2 connections the watchers share, when they do (`sseH2`). */
  private h2: H2SseConnections | null = null;
  private open = 0;
  /** Observations made before this process saw the matching snapshot: resolved at the end. */
  private pending: [number, number, "sseUpdate" | "sseAdmitNotice"][] = [];

  constructor(
    origin: string,
    /** Unused since each stream has its own socket (there is no pool to size). */
    _watchers: number,
    private readonly api: TrpcHttp,
    private readonly rec: Recorder,
    private readonly shoppers: Shopper[],
    private readonly times: PublishTimes,
    private readonly tag: string,
  ) {
    // One plain socket per stream (sse-client.ts): undici's per-event machinery cost the load
    // generators about as much CPU per SSE event as the server spent producing it.
    const url = new URL(origin);
    if (url.protocol !== "http:") throw new Error(`SSE watchers speak plain HTTP, not ${url.protocol}`);
    this.host = url.hostname.replace(/^\[|\]$/g, "");
    this.port = Number(url.port || 80);
    // Every poller and think time listens to the one "sale over" signal; the streams are closed
    // by one listener (a listener per stream costs a walk of the list to remove each).
    setMaxListeners(0, this.abort.signal);
    this.abort.signal.addEventListener("abort", () => {
      for (const s of this.streams) s.close();
      this.h2?.close();
    });
  }

  /** Opens the watchers (resolves once each got its first status) and starts the pollers. */
  async start(p: SaleParams): Promise<void> {
    const watch: number[] = [];
    const poll: number[] = [];
    this.shoppers.forEach((s, i) => {
      if (!s.ticket || !s.token || s.seq === undefined) return;
      if (s.seq <= p.watchUpTo) watch.push(i);
      else if (s.seq <= p.pollUpTo) poll.push(i);
    });
    // Front of the line first, as real shoppers who joined first would be watching first.
    watch.sort((a, b) => (this.shoppers[a]?.seq ?? 0) - (this.shoppers[b]?.seq ?? 0));
    if (p.sseH2 > 0) this.h2 = new H2SseConnections(`http://${this.host.includes(":") ? `[${this.host}]` : this.host}:${this.port}`, p.sseH2);
    for (const i of poll) this.tasks.push(this.poll(i, p));
    const started = performance.now();
    await withLimit(watch, p.openConcurrency, async (i) => {
      let resolve = () => {};
      const first = new Promise<void>((r) => {
        resolve = r;
      });
      this.tasks.push(this.watch(i, p, resolve));
      await first;
    });
    this.rec.extra.watchOpenMs = Math.round(performance.now() - started);
    this.rec.extra.watchers = watch.length;
    if (this.h2) this.rec.extra.h2Connections = this.h2.connections;
    this.rec.extra.pollers = poll.length;
  }

  async stop(): Promise<void> {
    this.abort.abort();
    await Promise.race([Promise.allSettled(this.tasks), sleep(5_000)]);
    for (const [serving, at, kind] of this.pending) {
      const pub = this.times.firstAtOrAfter(serving);
      if (pub === undefined) this.rec.add("sseUnmatched");
      else this.record(kind, at - pub);
    }
  }

  private record(kind: "sseUpdate" | "sseAdmitNotice", delayMs: number): void {
    // A watcher can be ahead of the worker's publish when its API process re-read the room itself
    // (after a checkout it served): that is no delay at all.
    if (delayMs < 0) this.rec.add(`${kind}BeforePublish`);
    this.rec.histogram(kind).record(Math.max(0, delayMs));
  }

  private observe(serving: number, at: number, kind: "sseUpdate" | "sseAdmitNotice"): void {
    const pub = this.times.firstAtOrAfter(serving);
    if (pub !== undefined) this.record(kind, at - pub);
    else if (this.pending.length < 500_000) this.pending.push([serving, at, kind]);
    else this.rec.add("sseDropped");
  }

  private async watch(i: number, p: SaleParams, firstEvent: () => void): Promise<void> {
    const s = this.shoppers[i] as Required<Shopper>;
    const signal = this.abort.signal;
    let lastEventId: string | null = null;
    let prevAhead: number | null = null;
    let done = false;
    let opened = false;
    const markOpen = () => {
      if (opened) return;
      opened = true;
      firstEvent();
    };
    const onEvent = (ev: SseEvent): boolean => {
      if (ev.event === "return") done = true;
      else if (ev.event === "serialized-error") {
        this.rec.error("watch", "STREAM_ERROR", performance.now() - started);
        done = true;
      }
      // `connected` and `ping` carry no status.
      if (ev.event !== null) return done;
      const now = Date.now();
      if (ev.id) lastEventId = ev.id;
      const st = JSON.parse(ev.data) as Status;
      if (!opened) this.rec.ok("watch", performance.now() - started);
      markOpen();
      this.rec.series.inc("sse", now);
      this.rec.add("sseEvents");
      // By state, so a report shows which kind of update the fan-out goes to.
      this.rec.add(`sse_${st.state}`);
      if (st.state === "WAITING") {
        if (prevAhead !== null && st.ahead < prevAhead) this.observe(st.seq - st.ahead - 1, now, "sseUpdate");
        prevAhead = st.ahead;
      } else if (st.state === "ADMITTED") {
        if (prevAhead !== null && !this.buying.has(i)) this.observe(st.seq, now, "sseAdmitNotice");
        void this.buy(i, p);
      }
      if (TERMINAL.has(st.state)) {
        this.rec.add(`final_${st.state}`);
        done = true;
      }
      return done;
    };
    let started = 0;
    let counted = false;
    const onOpen = () => {
      this.open++;
      counted = true;
      this.rec.max("sseOpenPeak", this.open);
    };
    for (let attempt = 0; attempt < 5 && !done && !signal.aborted; attempt++) {
      const input: { ticket: string; lastEventId?: string } = lastEventId ? { ticket: s.ticket, lastEventId } : { ticket: s.ticket };
      started = performance.now();
      counted = false;
      const how = {
        path: `/api/trpc/queue.watch?input=${encodeURIComponent(JSON.stringify(input))}`,
        headers: { authorization: `Bearer ${s.token}` },
        // SSE bodies have no timeout (the server pings every 10 s); the headers do.
        headersTimeoutMs: 30_000,
        onOpen,
        onEvent,
      };
      const stream: WatchStream = this.h2 ? this.h2.open(how) : openSse({ host: this.host, port: this.port, ...how });
      this.streams.add(stream);
      const end = await stream.done;
      this.streams.delete(stream);
      if (counted) this.open--;
      if (end.kind === "status") {
        this.rec.error("watch", `HTTP_${end.status}`, performance.now() - started);
        await sleep(500);
      } else if (end.kind === "error") {
        if (signal.aborted) break;
        this.rec.error("watch", end.code, performance.now() - started);
        await sleep(500);
      }
      // "end": the server ended the stream (its max duration): resume from lastEventId.
      // "closed": done, or the sale is over.
    }
    markOpen();
  }

  private async poll(i: number, p: SaleParams): Promise<void> {
    const s = this.shoppers[i] as Required<Shopper>;
    const signal = this.abort.signal;
    let wait = p.pollMs;
    while (!signal.aborted) {
      await sleep(jitter(wait), undefined, { signal }).catch(() => undefined);
      if (signal.aborted) return;
      const r = await timed(() => this.api.query<Status>("queue.status", { ticket: s.ticket }, s.token));
      if (!r.ok) {
        this.rec.error("status", r.error.code, r.ms);
        continue;
      }
      this.rec.ok("status", r.ms);
      // A considerate client: far back in line it asks less often (half its ETA, capped).
      wait = r.value.etaSec ? Math.min(p.pollMaxMs, Math.max(p.pollMs, r.value.etaSec * 500)) : p.pollMs;
      if (r.value.state === "ADMITTED") void this.buy(i, p);
      if (TERMINAL.has(r.value.state)) {
        this.rec.add(`final_${r.value.state}`);
        return;
      }
    }
  }

  private async buy(i: number, p: SaleParams): Promise<void> {
    if (this.buying.has(i)) return;
    this.buying.add(i);
    const s = this.shoppers[i] as Required<Shopper>;
    const signal = this.abort.signal;
    await sleep(jitter(p.thinkMs), undefined, { signal }).catch(() => undefined);
    const idempotencyKey = `b${this.tag}-${i}-${randomBytes(6).toString("hex")}`;
    // A determined shopper: "something went wrong, please try again" is tried again (with the same
    // payment attempt id) while the hold lasts; every failed attempt is counted.
    for (let attempt = 0; attempt < 30 && !signal.aborted; attempt++) {
      const r = await timed(() => this.api.mutation<{ id: number }>("payment.checkout", { ticket: s.ticket, card: CARD, idempotencyKey }, s.token));
      if (r.ok) {
        this.rec.ok("checkout", r.ms);
        this.rec.series.inc("order");
        this.rec.add("orders");
        if (attempt > 0) this.rec.add("ordersAfterRetry");
        return;
      }
      this.rec.error("checkout", r.error.reason ?? r.error.code, r.ms);
      if (!r.error.retryable) return;
      await sleep(Math.min(2_000, 100 * (attempt + 1)) * (0.5 + Math.random()), undefined, { signal }).catch(() => undefined);
    }
  }
}

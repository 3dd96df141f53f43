/**
 * Warms a worker's hot paths before it takes traffic.
 *
 * V8 runs a function unoptimised until it has run often. A fresh API process served its first
 * 10,000 joins at about a third more CPU per join than the same joins a moment later, so a sale
 * opening on new processes met a backlog (docs/performance.md, decisions §20). Before listening, each worker therefore plays a few thousand
 * shoppers against itself over loopback HTTP: guest sign-in, join, status, mine: the same
 * router, handler, session, queue, Redis script and Kafka producer code a sale runs. It does so
 * through a scratch copy of the services with its own Redis key prefix, join topic and metrics
 * registry, so no shopper, admission worker or dashboard sees it, and its keys are deleted after.
 *
 * The shoppers are shared among two such copies, one after the other. V8 records which function a
 * call site called: after one copy, every call into a closure of the app (the handler, the
 * services, the Redis and Kafka clients' callbacks) expects the scratch copy's own closure, so the
 * live app's first requests deoptimised them ("wrong call target") and recompiled them under load.
 * A site that has seen two closures of one function is recorded by the function, which the live
 * copy, a third, matches (decisions §26).
 *
 * Now and then a shopper also scrapes /metrics and probes /healthz, each over a new connection,
 * as Prometheus and a load balancer do all through a sale: the first scrape's other response
 * headers and its closed connection deoptimised node's response and socket code, which every
 * join shares, under the live crowd (decisions §29).
 */
import { Agent, request, type Server } from "node:http";
import { globEscape } from "@quickdeal/queue";
import type { Redis } from "ioredis";
import type { Logger } from "pino";
import { createHttpApp, API_BASE_PATH } from "./app.js";
import type { ApiConfig, RateLimitConfig } from "./config.js";
import { createServices } from "./services.js";

export interface WarmupOptions {
  /** Shoppers to play; each makes four calls, and one in three opens a watch stream. */
  shoppers: number;
  /** Scratch copies of the app the shoppers are shared among, one after the other (default 2). */
  copies?: number;
  /** Calls in flight at once. */
  concurrency?: number;
  /** Give up after this long, shared evenly among the copies: a slow machine should start, if less warm. */
  deadlineMs?: number;
  /**
   * Keys of earlier warm-ups idle this long are a worker's that died mid-way: deleted first.
   * A warm-up touches its keys every few ms and lasts at most its deadline.
   */
  abandonedAfterSec?: number;
}

export interface WarmupReport {
  /** Shoppers that went through all four calls. */
  shoppers: number;
  /** Scratch copies played against. */
  copies: number;
  /** /metrics scrapes answered, made along the way as Prometheus would. */
  scrapes: number;
  ms: number;
  /** Why it ended early (a failed call, the deadline), if it did. */
  stoppedBy?: string;
}

/** The scratch room's product id; it exists only under the scratch prefix. */
const PRODUCT_ID = 1;
const DEFAULT_CONCURRENCY = 32;
const DEFAULT_COPIES = 2;
const DEFAULT_DEADLINE_MS = 20_000;
const DEFAULT_ABANDONED_AFTER_SEC = 600;
const DEADLINE = "deadline";
/** One shopper in this many also scrapes /metrics and probes /healthz. */
const OPS_EVERY = 200;

/** The topic warm-up joins go to: never consumed, so kept only briefly. */
export function warmupTopic(joinTopic: string): string {
  return `${joinTopic}.warmup`;
}

/** Plays `opts.shoppers` shoppers against scratch copies of the app; a failed call ends it early (`stoppedBy`). */
export async function warmUp(config: ApiConfig, opts: WarmupOptions, log: Logger): Promise<WarmupReport> {
  const started = performance.now();
  const limitMs = opts.deadlineMs ?? DEFAULT_DEADLINE_MS;
  const copies = Math.max(1, Math.min(opts.copies ?? DEFAULT_COPIES, opts.shoppers));
  let done = 0;
  let scrapes = 0;
  let played = 0;
  let failed: string | undefined;
  let outOfTime = false;
  for (let copy = 0; copy < copies; copy++) {
    const share = Math.ceil((opts.shoppers - done) / (copies - copy));
    const round = await playCopy(config, {
      shoppers: share,
      concurrency: opts.concurrency ?? DEFAULT_CONCURRENCY,
      // Each copy gets its slice of the time: on a slow machine the first must not use it all,
      // or the live app meets code specialised on one copy again.
      deadline: started + (limitMs * (copy + 1)) / copies,
      // Only the first copy looks for an earlier worker's leftovers.
      abandonedAfterSec: copy === 0 ? (opts.abandonedAfterSec ?? DEFAULT_ABANDONED_AFTER_SEC) : undefined,
      log,
    });
    done += round.shoppers;
    scrapes += round.scrapes;
    played++;
    log.debug({ copy: played, shoppers: round.shoppers, stoppedBy: round.stoppedBy }, "warm-up copy played");
    // A copy out of time hands over to the next, which plays what is left; a failed call ends the
    // warm-up (Kafka away: the process must still come up).
    if (round.stoppedBy === DEADLINE) outOfTime = true;
    else if (round.stoppedBy !== undefined) {
      failed = round.stoppedBy;
      break;
    }
  }
  const stoppedBy = failed ?? (outOfTime && done < opts.shoppers ? DEADLINE : undefined);
  return { shoppers: done, copies: played, scrapes, ms: Math.round(performance.now() - started), ...(stoppedBy ? { stoppedBy } : {}) };
}

interface CopyOptions {
  shoppers: number;
  concurrency: number;
  /** performance.now() past which no new shopper starts. */
  deadline: number;
  /** Sweep keys of warm-ups idle this long first; undefined: no sweep. */
  abandonedAfterSec: number | undefined;
  log: Logger;
}

/** One scratch copy of the services and app: plays its shoppers, then deletes its keys. */
async function playCopy(config: ApiConfig, opts: CopyOptions): Promise<{ shoppers: number; scrapes: number; stoppedBy?: string }> {
  const { log } = opts;
  const prefix = `${config.redisPrefix}:warmup:${process.pid}`;
  const services = createServices(
    {
      ...config,
      redisPrefix: prefix,
      joinTopic: warmupTopic(config.joinTopic),
      joinPartitions: 1,
      // Every call comes from 127.0.0.1: per-IP limits would stop it, and they are not what is warmed.
      rateLimits: unlimited(config.rateLimits),
      dbPoolSize: 1,
    },
    { log: log.child({ warmup: true }), processMetrics: false, topicRetentionMs: 60 * 60_000 },
  );
  let done = 0;
  let scrapes = 0;
  let stoppedBy: string | undefined;
  const app = createHttpApp(services);
  const agent = new Agent({ keepAlive: true, maxSockets: opts.concurrency });
  try {
    await services.start();
    // Keys of a worker that died mid-warm-up would stay forever (rooms have no TTL). Best effort:
    // with an LFU eviction policy Redis keeps no idle times, and nothing is swept.
    if (opts.abandonedAfterSec !== undefined) {
      const swept = await unlinkUnder(services.redis, `${config.redisPrefix}:warmup:`, opts.abandonedAfterSec).catch(() => 0);
      if (swept > 0) log.info({ keys: swept }, "deleted keys an earlier warm-up left behind");
    }
    await services.queue.ensureRoom({
      productId: PRODUCT_ID,
      stock: 1_000_000,
      initialStock: 1_000_000,
      capacity: 100,
      checkoutTtlSec: 300,
      saleStartsAt: new Date(0),
      saleEndsAt: null,
      paused: false,
    });
    const port = await listenAlone(app.server);
    const call = caller(port, agent);
    let next = 0;
    const lane = async () => {
      while (next < opts.shoppers && stoppedBy === undefined) {
        if (performance.now() > opts.deadline) {
          stoppedBy = DEADLINE;
          return;
        }
        const shopper = next++;
        try {
          const { token } = (await call("POST", "auth.guest", { transport: "bearer" })) as { token: string };
          const { ticket } = (await call("POST", "queue.join", { productId: PRODUCT_ID }, token)) as { ticket: string };
          await call("GET", "queue.status", { ticket }, token);
          await call("GET", "queue.mine", { productId: PRODUCT_ID }, token);
          // One in three: a watch takes a connection of its own, the costliest call here.
          if (shopper % 3 === 0) await watchFirst(port, ticket, token);
          // Now and then a scrape and a health probe, as during a real sale (see the top).
          if (shopper % OPS_EVERY === 0 && (await scrapeOps(port))) scrapes++;
          done++;
        } catch (err) {
          stoppedBy ??= (err as Error).message;
        }
      }
    };
    await Promise.all(Array.from({ length: opts.concurrency }, lane));
  } catch (err) {
    stoppedBy ??= (err as Error).message;
  } finally {
    agent.destroy();
    await app.close().catch(() => undefined);
    await unlinkUnder(services.redis, `${prefix}:`).catch((err: unknown) => log.warn({ err }, "could not delete the warm-up keys"));
    await services.close().catch(() => undefined);
  }
  return { shoppers: done, scrapes, ...(stoppedBy ? { stoppedBy } : {}) };
}

/**
 * An ephemeral loopback port of this process alone: in a cluster worker a plain listen(0) shares
 * one port among the workers, and another worker's warm-up would answer (and, closing, reset) ours.
 */
function listenAlone(server: Server): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once("error", reject);
    server.listen({ port: 0, host: "127.0.0.1", exclusive: true }, () => {
      server.off("error", reject);
      const address = server.address();
      if (typeof address === "object" && address !== null) resolve(address.port);
      else reject(new Error("the warm-up server has no port"));
    });
  });
}

function unlimited(limits: RateLimitConfig): RateLimitConfig {
  const out = { ...limits };
  for (const k of Object.keys(out) as (keyof RateLimitConfig)[]) out[k] = { ...out[k], points: 1_000_000_000 };
  return out;
}

type Call = (method: "GET" | "POST", path: string, input: unknown, token?: string) => Promise<unknown>;

/**
 * Opens `queue.watch` as an EventSource does (a connection of its own), waits for the first
 * status event and leaves: the SSE writer and the watcher's start are warmed too.
 */
function watchFirst(port: number, ticket: string, token: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const input = encodeURIComponent(JSON.stringify({ ticket }));
    const timer = setTimeout(() => {
      req.destroy();
      reject(new Error("queue.watch sent no status within 5 s"));
    }, 5_000);
    const req = request(
      {
        host: "127.0.0.1",
        port,
        method: "GET",
        path: `${API_BASE_PATH}/queue.watch?input=${input}`,
        headers: { accept: "text/event-stream", authorization: `Bearer ${token}` },
        agent: false,
      },
      (res) => {
        if (res.statusCode !== 200) {
          clearTimeout(timer);
          req.destroy();
          reject(new Error(`queue.watch answered ${res.statusCode}`));
          return;
        }
        let text = "";
        res.setEncoding("utf8");
        res.on("data", (chunk: string) => {
          text += chunk;
          // After the `connected` event comes the ticket's status (a data line holding its state).
          if (/\ndata: \{[^\n]*"state":/.test(`\n${text}`)) {
            clearTimeout(timer);
            req.destroy();
            resolve();
          }
        });
        res.on("end", () => reject(new Error("queue.watch ended before its first event")));
        res.on("error", () => undefined);
      },
    );
    req.on("error", (err) => {
      clearTimeout(timer);
      reject(err);
    });
    req.end();
  });
}

/** A tRPC call over node:http (JSON, no batching), as a non-browser client makes it. */
function caller(port: number, agent: Agent): Call {
  return (method, path, input, token) =>
    new Promise((resolve, reject) => {
      const json = JSON.stringify(input);
      const headers: Record<string, string> = { "content-type": "application/json" };
      if (token) headers.authorization = `Bearer ${token}`;
      const url = method === "GET" ? `${API_BASE_PATH}/${path}?input=${encodeURIComponent(json)}` : `${API_BASE_PATH}/${path}`;
      if (method === "POST") headers["content-length"] = String(Buffer.byteLength(json));
      const req = request({ host: "127.0.0.1", port, method, path: url, headers, agent }, (res) => {
        const chunks: Buffer[] = [];
        res.on("data", (c: Buffer) => chunks.push(c));
        res.on("end", () => {
          const body = Buffer.concat(chunks).toString("utf8");
          if (res.statusCode !== 200) {
            reject(new Error(`${path} answered ${res.statusCode}: ${body.slice(0, 200)}`));
            return;
          }
          try {
            resolve((JSON.parse(body) as { result: { data: unknown } }).result.data);
          } catch (err) {
            reject(err);
          }
        });
        res.on("error", reject);
      });
      req.on("error", reject);
      req.end(method === "POST" ? json : undefined);
    });
}

/**
 * GETs /metrics and /healthz, each over a connection of its own, as a scraper or a probe does.
 * True if /metrics answered 200; a failed health check (a service slow to answer) does not matter.
 */
async function scrapeOps(port: number): Promise<boolean> {
  let scraped = false;
  for (const path of ["/metrics", "/healthz"]) {
    const status = await new Promise<number>((resolve) => {
      const req = request({ host: "127.0.0.1", port, path, agent: false, headers: { accept: "text/plain" } }, (res) => {
        res.resume();
        res.on("end", () => resolve(res.statusCode ?? 0));
        res.on("error", () => resolve(0));
      });
      req.on("error", () => resolve(0));
      req.end();
    });
    if (path === "/metrics") scraped = status === 200;
  }
  return scraped;
}

/**
 * UNLINKs the keys under `prefix`; with `idleSec`, only those idle that long (OBJECT IDLETIME).
 * Returns how many went.
 */
async function unlinkUnder(redis: Redis, prefix: string, idleSec?: number): Promise<number> {
  let cursor = "0";
  let deleted = 0;
  do {
    const [next, keys] = await redis.scan(cursor, "MATCH", `${globEscape(prefix)}*`, "COUNT", 1000);
    cursor = next;
    let doomed = keys;
    if (idleSec !== undefined && keys.length > 0) {
      const pipeline = redis.pipeline();
      for (const key of keys) pipeline.object("IDLETIME", key);
      const idle = (await pipeline.exec()) ?? [];
      doomed = keys.filter((_, i) => {
        const [err, seconds] = idle[i] ?? [];
        return !err && typeof seconds === "number" && seconds >= idleSec;
      });
    }
    if (doomed.length > 0) deleted += await redis.unlink(...doomed);
  } while (cursor !== "0");
  return deleted;
}

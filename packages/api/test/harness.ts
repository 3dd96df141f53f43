import { randomUUID } from "node:crypto";
import type { AddressInfo } from "node:net";
import { type NewProduct, product } from "@quickdeal/db";
import { createKafka, ensureTopic, startWorker } from "@quickdeal/queue";
import { createTRPCClient, httpLink, httpSubscriptionLink, splitLink, TRPCClientError } from "@trpc/client";
import { eq } from "drizzle-orm";
import { EventSource } from "eventsource";
import { pino } from "pino";
import { expect } from "vitest";
import { API_BASE_PATH, createHttpApp } from "../src/app.js";
import { type ApiConfig, defaultRateLimits } from "../src/config.js";
import type { AppRouter } from "../src/index.js";
import { FakeGateway } from "../src/payment/gateway.js";
import { createServices, type Services } from "../src/services.js";
import { ADMIN_EMAIL, ADMIN_PASSWORD, KAFKA_BROKERS, REDIS_URL, TEST_DB_URL, TEST_TOPIC_PREFIX } from "./env.js";

export const SECRET = "api-test-secret-0123456789-abcdefghij";
export const WEB_ORIGIN = "http://web.test";
export { ADMIN_EMAIL, ADMIN_PASSWORD };

export interface Api {
  url: string;
  services: Services;
  gateway: FakeGateway;
  config: ApiConfig;
  /** Starts the queue's worker in-process (admission, sweeper, snapshots). */
  startWorker(): Promise<void>;
  close(): Promise<void>;
}

/**
 * The whole API on a real HTTP server (the lean adapter), on its own Redis prefix and Kafka topic,
 * against the test database; optionally with the queue's worker running in-process.
 */
export async function startApi(
  name: string,
  opts: { worker?: boolean; config?: Partial<ApiConfig> } = {},
): Promise<Api> {
  const id = randomUUID().slice(0, 8);
  const config: ApiConfig = {
    databaseUrl: TEST_DB_URL,
    redisUrl: REDIS_URL,
    redisPrefix: `at${id}`,
    kafka: { brokers: KAFKA_BROKERS, clientId: `api-test-${name}` },
    joinTopic: `${TEST_TOPIC_PREFIX}${name}.${id}`,
    joinPartitions: 2,
    authSecret: SECRET,
    allowedOrigins: [WEB_ORIGIN],
    heartbeatGraceSec: 120,
    logLevel: "silent",
    paymentSlowMs: 300,
    secureCookies: false,
    trustProxy: false,
    rateLimits: defaultRateLimits,
    productCacheTtlMs: 5_000,
    dbPoolSize: 5,
    ...opts.config,
  };
  const gateway = new FakeGateway({ slowMs: config.paymentSlowMs });
  await ensureTopic(createKafka(config.kafka.brokers, `${name}-admin`), config.joinTopic, config.joinPartitions);
  const services = createServices(config, { gateway, log: pino({ level: process.env.API_TEST_LOG ?? "silent" }) });
  await services.start();
  const app = createHttpApp(services);
  await new Promise<void>((resolve) => app.server.listen(0, "127.0.0.1", resolve));
  const { port } = app.server.address() as AddressInfo;
  const workers: Awaited<ReturnType<typeof startWorker>>[] = [];

  const api: Api = {
    url: `http://127.0.0.1:${port}`,
    services,
    gateway,
    config,
    async startWorker() {
      const w = await startWorker({
        redisUrl: config.redisUrl,
        kafkaBrokers: config.kafka.brokers,
        topic: config.joinTopic,
        partitions: config.joinPartitions,
        groupId: `g-${config.joinTopic}`,
        prefix: config.redisPrefix,
        heartbeatGraceSec: config.heartbeatGraceSec,
        payingGraceMs: 60_000,
        clientId: `w-${name}`,
      });
      workers.push(w);
      await w.joined;
    },
    async close() {
      await Promise.all(workers.map((w) => w.stop().catch(() => undefined)));
      await app.close();
      const keys = await services.redis.keys(`${config.redisPrefix}:*`).catch(() => [] as string[]);
      if (keys.length) await services.redis.del(...keys).catch(() => undefined);
      await services.close();
    },
  };
  if (opts.worker) await api.startWorker();
  return api;
}

/** A browser-like cookie jar: remembers Set-Cookie, sends Cookie back. */
export class CookieJar {
  readonly cookies = new Map<string, string>();
  header(): string | undefined {
    if (this.cookies.size === 0) return undefined;
    return [...this.cookies].map(([k, v]) => `${k}=${v}`).join("; ");
  }
  store(res: Response): void {
    for (const line of res.headers.getSetCookie()) {
      const [pair = ""] = line.split(";");
      const eq = pair.indexOf("=");
      const name = pair.slice(0, eq).trim();
      const value = pair.slice(eq + 1).trim();
      if (/max-age=0/i.test(line) || value === "") this.cookies.delete(name);
      else this.cookies.set(name, value);
    }
  }
}

export interface ClientOptions {
  /** Bearer token (kiosk and API clients). */
  token?: string;
  /** Browser mode: cookies plus an Origin header (null = send none). */
  jar?: CookieJar;
  origin?: string | null;
  /** Send the token as a connection param on subscriptions (what a browser EventSource can do). */
  tokenAsParam?: boolean;
}

/** A typed tRPC client over real HTTP, with SSE subscriptions through EventSource. */
export function client(api: Pick<Api, "url">, opts: ClientOptions = {}) {
  const url = `${api.url}${API_BASE_PATH}`;
  const headers = (): Record<string, string> => {
    const h: Record<string, string> = {};
    if (opts.token && !opts.tokenAsParam) h.authorization = `Bearer ${opts.token}`;
    if (opts.jar) {
      const c = opts.jar.header();
      if (c) h.cookie = c;
      const origin = opts.origin === undefined ? WEB_ORIGIN : opts.origin;
      if (origin) h.origin = origin;
    } else if (opts.origin) h.origin = opts.origin;
    return h;
  };
  const fetchWithJar: typeof fetch = async (input, init) => {
    const merged = new Headers(init?.headers);
    for (const [k, v] of Object.entries(headers())) merged.set(k, v);
    const res = await fetch(input, { ...init, headers: merged });
    opts.jar?.store(res);
    return res;
  };
  return createTRPCClient<AppRouter>({
    links: [
      splitLink({
        condition: (op) => op.type === "subscription",
        true: httpSubscriptionLink({
          url,
          EventSource,
          connectionParams: opts.tokenAsParam && opts.token ? { token: opts.token } : undefined,
          eventSourceOptions: () => ({ fetch: fetchWithJar }),
        }),
        false: httpLink({ url, fetch: fetchWithJar }),
      }),
    ],
  });
}

export type Client = ReturnType<typeof client>;

/** A signed-in guest shopper using a bearer token. */
export async function guest(api: Api, displayName?: string): Promise<{ client: Client; token: string; userId: string }> {
  const anon = client(api);
  const r = await anon.auth.guest.mutate({ transport: "bearer", ...(displayName ? { displayName } : {}) });
  if (!r.token) throw new Error("no token");
  return { client: client(api, { token: r.token }), token: r.token, userId: r.user.id };
}

export async function admin(api: Api): Promise<Client> {
  const r = await client(api).auth.login.mutate({ email: ADMIN_EMAIL, password: ADMIN_PASSWORD, transport: "bearer" });
  if (!r.token) throw new Error("no token");
  return client(api, { token: r.token });
}

/** Awaits a rejected call and checks its tRPC code; returns the error for more checks. */
export async function rejects(p: Promise<unknown>, code: string): Promise<TRPCClientError<AppRouter>> {
  try {
    await p;
  } catch (err) {
    if (!(err instanceof TRPCClientError)) throw err;
    const e = err as TRPCClientError<AppRouter>;
    expect(e.data?.code, e.message).toBe(code);
    // Never a stack trace, whatever failed.
    expect(JSON.stringify(e.shape ?? {})).not.toMatch(/\n\s+at /);
    expect(e.data && "stack" in e.data).toBe(false);
    return e;
  }
  throw new Error(`expected ${code}, but the call succeeded`);
}

/** A product on sale now, straight into MySQL. */
export async function insertProduct(services: Services, over: Partial<NewProduct> = {}): Promise<number> {
  const slug = `t-${randomUUID().slice(0, 12)}`;
  const [row] = await services.db
    .insert(product)
    .values({
      slug,
      name: `Test ${slug}`,
      description: "test product",
      category: "Test",
      imageUrl: `/img/p/${slug}.svg`,
      priceMinor: 1234,
      currency: "USD",
      stock: 5,
      saleStartsAt: new Date(Date.now() - 60_000),
      saleEndsAt: null,
      capacity: 2,
      checkoutTtlSec: 120,
      ...over,
      initialStock: over.initialStock ?? over.stock ?? 5,
    })
    .$returningId();
  if (!row) throw new Error("insert failed");
  return row.id;
}

export async function stockOf(services: Services, productId: number): Promise<number> {
  const [row] = await services.db.select({ stock: product.stock }).from(product).where(eq(product.id, productId));
  return row?.stock ?? -1;
}

export async function until<T>(fn: () => Promise<T | null | undefined | false>, timeoutMs = 15_000, what = "condition"): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await fn();
    if (v) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

export const CARD = {
  number: "4242 4242 4242 4242",
  expMonth: 12,
  expYear: new Date().getUTCFullYear() + 2,
  cvc: "123",
  name: "Test Shopper",
};

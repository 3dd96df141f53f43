import { type ChildProcess, spawn } from "node:child_process";
import { randomUUID } from "node:crypto";
import { createServer } from "node:net";
import { fetchRequestHandler } from "@trpc/server/adapters/fetch";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createFetchContextFactory } from "../src/context.js";
import { appRouter } from "../src/root.js";
import { KAFKA_BROKERS, REDIS_URL, TEST_DB_URL, TEST_TOPIC_PREFIX } from "./env.js";
import { type Api, client, guest, insertProduct, SECRET, startApi, until, WEB_ORIGIN } from "./harness.js";

let api: Api;
beforeAll(async () => {
  api = await startApi("server");
});
afterAll(() => api?.close());

describe("ops endpoints", () => {
  it("/healthz checks MySQL, Redis and Kafka", async () => {
    const res = await fetch(`${api.url}/healthz`);
    const body = (await res.json()) as { status: string; checks: Record<string, { ok: boolean }> };
    expect(res.status).toBe(200);
    expect(body.status).toBe("ok");
    expect(body.checks.mysql?.ok).toBe(true);
    expect(body.checks.redis?.ok).toBe(true);
    expect(body.checks.kafka?.ok).toBe(true);
  });

  it("/metrics speaks Prometheus text with API and queue metrics", async () => {
    const g = await guest(api);
    const productId = await insertProduct(api.services);
    await g.client.queue.join.mutate({ productId });
    await client(api).catalog.list.query();
    const res = await fetch(`${api.url}/metrics`);
    expect(res.headers.get("content-type")).toMatch(/text\/plain/);
    const text = await res.text();
    expect(text).toMatch(/qd_api_calls_total\{path="catalog.list",code="OK"\} \d+/);
    expect(text).toMatch(/qd_joins_total\{product="\d+"\} 1/);
    expect(text).toMatch(/process_cpu_seconds_total/);
  });

  it("echoes a request id and answers CORS for the web origin only", async () => {
    const res = await fetch(`${api.url}/api/trpc/catalog.categories`, { headers: { origin: WEB_ORIGIN, "x-request-id": "req-123" } });
    expect(res.headers.get("access-control-allow-origin")).toBe(WEB_ORIGIN);
    expect(res.headers.get("access-control-allow-credentials")).toBe("true");
    const evil = await fetch(`${api.url}/api/trpc/catalog.categories`, { headers: { origin: "http://evil.test" } });
    expect(evil.headers.get("access-control-allow-origin")).toBeNull();
  });

  it("hides internals of unexpected failures: generic message, request id, no stack", async () => {
    const products = api.services.products;
    const original = products.byId.bind(products);
    products.byId = () => Promise.reject(new Error("ER_ACCESS: SELECT secret_column FROM internal_table"));
    try {
      const res = await fetch(`${api.url}/api/trpc/catalog.byId?input=${encodeURIComponent('{"id":1}')}`, {
        headers: { "x-request-id": "trace-me-1" },
      });
      expect(res.status).toBe(500);
      const text = await res.text();
      expect(text).not.toMatch(/secret_column|internal_table|\n\s+at /);
      const body = JSON.parse(text) as { error: { message: string; data: Record<string, unknown> } };
      expect(body.error.message).toMatch(/went wrong on our side/);
      expect(body.error.data).not.toHaveProperty("stack");
      expect(body.error.data.requestId).toBe("trace-me-1");
    } finally {
      products.byId = original;
    }
  });
});

describe("mounted through the fetch adapter (as apps/web does)", () => {
  const call = (path: string, init: RequestInit = {}) =>
    fetchRequestHandler({
      endpoint: "/api/trpc",
      req: new Request(`http://web.test/api/trpc/${path}`, init),
      router: appRouter,
      createContext: createFetchContextFactory(api.services),
    });

  it("sets the session cookie through resHeaders and reads it back", async () => {
    const res = await call("auth.guest", { method: "POST", headers: { origin: WEB_ORIGIN, "content-type": "application/json" }, body: "{}" });
    expect(res.status).toBe(200);
    const cookie = res.headers.getSetCookie()[0] ?? "";
    expect(cookie).toMatch(/^qd_session=.+HttpOnly; SameSite=Lax/);
    const me = await call("auth.me", { headers: { cookie: cookie.split(";")[0] ?? "" } });
    const body = (await me.json()) as { result: { data: { role: string } } };
    expect(body.result.data.role).toBe("shopper");
    const csrf = await call("auth.setName", {
      method: "POST",
      headers: { cookie: cookie.split(";")[0] ?? "", origin: "http://evil.test", "content-type": "application/json" },
      body: JSON.stringify({ displayName: "Mallory" }),
    });
    expect(csrf.status).toBe(403);
  });
});

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once("error", reject);
    srv.listen(0, "127.0.0.1", () => {
      const addr = srv.address();
      const port = typeof addr === "object" && addr ? addr.port : 0;
      srv.close(() => resolve(port));
    });
  });
}

describe("the standalone process entry (src/server.ts)", () => {
  let child: ChildProcess | null = null;
  afterAll(() => {
    if (child && child.exitCode === null) child.kill("SIGKILL");
  });

  it("parses env, serves the router and /healthz in cluster workers, and stops on SIGTERM", async () => {
    const port = await freePort();
    const id = randomUUID().slice(0, 8);
    let output = "";
    child = spawn(process.execPath, ["--conditions=@quickdeal/source", "--import", "tsx", "src/server.ts"], {
      cwd: new URL("..", import.meta.url).pathname,
      env: {
        ...process.env,
        DATABASE_URL: TEST_DB_URL,
        REDIS_URL,
        REDIS_PREFIX: `as${id}`,
        KAFKA_BROKERS: KAFKA_BROKERS.join(","),
        KAFKA_JOIN_TOPIC: `${TEST_TOPIC_PREFIX}server-entry.${id}`,
        KAFKA_JOIN_PARTITIONS: "1",
        AUTH_SECRET: SECRET,
        API_PORT: String(port),
        API_HOST: "127.0.0.1",
        API_WORKERS: "1",
        // The worker is forked with the flag this turns into: it must start with it.
        API_YOUNG_GEN_MB: "32",
        // A short warm-up: the worker plays these shoppers against itself before it listens.
        API_WARMUP_SHOPPERS: "25",
        LOG_LEVEL: "info",
      },
      stdio: ["ignore", "pipe", "pipe"],
    });
    child.stdout?.on("data", (d) => {
      output += String(d);
    });
    child.stderr?.on("data", (d) => {
      output += String(d);
    });
    const url = `http://127.0.0.1:${port}`;
    await until(
      async () => {
        if (child?.exitCode !== null) throw new Error(`server exited: ${output}`);
        return fetch(`${url}/healthz`).then(
          (r) => r.status === 200,
          () => false,
        );
      },
      45_000,
      "the server to answer /healthz",
    );
    const warmed = output.split("\n").find((line) => line.includes('"msg":"warmed up"'));
    expect(warmed, output).toBeDefined();
    expect(JSON.parse(warmed as string)).toMatchObject({ shoppers: 25 });
    const cats = await client({ url }).catalog.categories.query();
    expect(cats.length).toBeGreaterThan(0);
    const exited = new Promise<number | null>((resolve) => child?.once("exit", (code) => resolve(code)));
    child.kill("SIGTERM");
    expect(await exited).toBe(0);
  });
});

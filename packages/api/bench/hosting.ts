// Hosting benchmark: how many requests/s each way of serving one trivial tRPC query carries on this
// machine, all measured in the same run so the ratios to bare node:http are comparable.
//
//   npx tsx bench/hosting.ts [--duration 5] [--connections 50]
//
// Each server runs in its own child process (fresh JIT, one core); this process is the load
// generator (autocannon). Results: stdout and bench-results/hosting.json.
import { fork } from "node:child_process";
import { once } from "node:events";
import { mkdir, writeFile } from "node:fs/promises";
import { type Server, createServer } from "node:http";
import { availableParallelism, cpus, loadavg } from "node:os";
import { dirname, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { initTRPC } from "@trpc/server";
import { createHTTPHandler } from "@trpc/server/adapters/standalone";
import autocannon from "autocannon";
import { z } from "zod";
import { createApiServer, createLeanHandler, listen } from "../src/http/index.js";

type ServerKind = "bare" | "caller" | "lean" | "stock";

interface Target {
  name: string;
  server: ServerKind;
  path: string;
  /** tRPC calls answered per request. */
  calls: number;
  expect: string;
}

const ONE = `/api/trpc/hello?input=${encodeURIComponent(JSON.stringify({ n: 1 }))}`;
const BATCH = `/api/trpc/hello,hello,hello,hello?batch=1&input=${encodeURIComponent(
  JSON.stringify({ 0: { n: 1 }, 1: { n: 2 }, 2: { n: 3 }, 3: { n: 4 } }),
)}`;

const TARGETS: Target[] = [
  { name: "bare node:http hello world", server: "bare", path: "/", calls: 1, expect: "hello" },
  { name: "node:http + createCaller (no wire format)", server: "caller", path: ONE, calls: 1, expect: "hello 1" },
  { name: "lean handler, single query", server: "lean", path: ONE, calls: 1, expect: "hello 1" },
  { name: "lean handler, batch of 4", server: "lean", path: BATCH, calls: 4, expect: "hello 4" },
  { name: "stock standalone adapter, single query", server: "stock", path: ONE, calls: 1, expect: "hello 1" },
  { name: "stock standalone adapter, batch of 4", server: "stock", path: BATCH, calls: 4, expect: "hello 4" },
];

// ------------------------------------------------------------------ the servers (child process)
function buildRouter() {
  const t = initTRPC.context<{ ip: string | undefined }>().create({ isDev: false });
  const router = t.router({
    hello: t.procedure.input(z.object({ n: z.number().int() })).query(({ input }) => ({ greeting: `hello ${input.n}` })),
  });
  return { t, router };
}

function buildServer(kind: ServerKind): Server {
  const { t, router } = buildRouter();
  const createContext = ({ req }: { req: { socket: { remoteAddress?: string } } }) => ({
    ip: req.socket.remoteAddress,
  });
  switch (kind) {
    case "bare": {
      const body = JSON.stringify({ result: { data: "hello" } });
      return createServer((_req, res) => {
        res.writeHead(200, { "content-type": "application/json", "content-length": Buffer.byteLength(body) });
        res.end(body);
      });
    }
    case "caller": {
      // DESIGN's "handler calling the procedure through createCallerFactory": the ceiling for an adapter.
      const createCaller = t.createCallerFactory(router);
      return createServer(async (req, res) => {
        const url = new URL(req.url ?? "/", "http://localhost");
        const caller = createCaller({ ip: req.socket.remoteAddress });
        const data = await caller.hello(JSON.parse(url.searchParams.get("input") ?? "null"));
        const body = JSON.stringify({ result: { data } });
        res.writeHead(200, { "content-type": "application/json", "content-length": Buffer.byteLength(body) });
        res.end(body);
      });
    }
    case "lean":
      return createApiServer({ handler: createLeanHandler({ router, createContext }) });
    case "stock":
      return createServer(createHTTPHandler({ router, createContext, basePath: "/api/trpc" }));
  }
}

async function serve(kind: ServerKind): Promise<void> {
  const server = buildServer(kind);
  const port = await listen(server, 0);
  process.send?.({ port });
  process.on("disconnect", () => process.exit(0));
}

// ------------------------------------------------------------------ the load generator (parent)
interface Measured {
  name: string;
  reqPerSec: number;
  callsPerSec: number;
  ratioToBare: number;
  latencyP50Ms: number;
  latencyP99Ms: number;
  errors: number;
  non2xx: number;
}

function argValue(name: string, fallback: number): number {
  const i = process.argv.indexOf(`--${name}`);
  const v = i === -1 ? undefined : Number(process.argv[i + 1]);
  return v !== undefined && Number.isFinite(v) && v > 0 ? v : fallback;
}

async function measure(target: Target, duration: number, connections: number): Promise<Omit<Measured, "ratioToBare">> {
  const child = fork(fileURLToPath(import.meta.url), ["--serve", target.server], { stdio: "inherit" });
  try {
    const [message] = (await once(child, "message")) as [{ port: number }];
    const url = `http://127.0.0.1:${message.port}${target.path}`;
    const probe = await fetch(url);
    const text = await probe.text();
    if (probe.status !== 200 || !text.includes(target.expect)) {
      throw new Error(`${target.name}: unexpected answer ${probe.status} ${text}`);
    }
    // Warm the JIT and the connection pool, then measure.
    await autocannon({ url, connections, duration: 1 });
    const r = await autocannon({ url, connections, duration });
    return {
      name: target.name,
      reqPerSec: Math.round(r.requests.average),
      callsPerSec: Math.round(r.requests.average * target.calls),
      latencyP50Ms: r.latency.p50,
      latencyP99Ms: r.latency.p99,
      errors: r.errors + r.timeouts,
      non2xx: r.non2xx,
    };
  } finally {
    child.kill("SIGTERM");
    if (child.exitCode === null) await once(child, "exit");
  }
}

async function main(): Promise<void> {
  const duration = argValue("duration", 5);
  const connections = argValue("connections", 50);
  console.log(
    `hosting bench: ${duration} s per target, ${connections} connections, ${availableParallelism()} cores (${cpus()[0]?.model ?? "?"}), node ${process.version}`,
  );
  // The machine is shared: record how busy it was, the figures mean little if it was busy.
  const loadBefore = loadavg()[0]?.toFixed(2);
  console.log(`  load average before: ${loadBefore}`);
  const raw: Omit<Measured, "ratioToBare">[] = [];
  for (const target of TARGETS) {
    const m = await measure(target, duration, connections);
    raw.push(m);
    console.log(`  ${m.name.padEnd(42)} ${String(m.reqPerSec).padStart(7)} req/s`);
  }
  const loadAfter = loadavg()[0]?.toFixed(2);
  const bare = raw[0]?.reqPerSec ?? 1;
  const results: Measured[] = raw.map((m) => ({ ...m, ratioToBare: Math.round((m.reqPerSec / bare) * 1000) / 1000 }));

  console.log("");
  console.log(`| how it is served | req/s | tRPC calls/s | share of bare node:http | p50 ms | p99 ms | errors |`);
  console.log(`|---|---|---|---|---|---|---|`);
  for (const m of results) {
    console.log(
      `| ${m.name} | ${m.reqPerSec} | ${m.callsPerSec} | ${m.ratioToBare} | ${m.latencyP50Ms} | ${m.latencyP99Ms} | ${m.errors + m.non2xx} |`,
    );
  }
  const lean = results.find((m) => m.name.startsWith("lean handler, single"));
  const stock = results.find((m) => m.name.startsWith("stock standalone adapter, single"));
  if (lean && stock) console.log(`\nlean / stock (single query): ${(lean.reqPerSec / stock.reqPerSec).toFixed(1)}x`);

  const out = resolve(dirname(fileURLToPath(import.meta.url)), "../bench-results/hosting.json");
  await mkdir(dirname(out), { recursive: true });
  await writeFile(
    out,
    `${JSON.stringify(
      {
        measuredAt: new Date().toISOString(),
        node: process.version,
        cores: availableParallelism(),
        cpu: cpus()[0]?.model,
        durationSec: duration,
        connections,
        loadGenerator: "autocannon, separate process from the server",
        loadAverage1m: { before: Number(loadBefore), after: Number(loadAfter) },
        results,
      },
      null,
      2,
    )}\n`,
  );
  console.log(`wrote ${out}`);
}

if (process.argv[2] === "--serve") {
  await serve(process.argv[3] as ServerKind);
} else {
  await main();
}

/**
 * What one small query costs the API's server over HTTP/1.1 and over HTTP/2: the API's own server
 * (`createApiServer` + the lean handler, from packages/api/dist) in a child process, serving a
 * query about the size of `queue.status`; this process keeps `--concurrency` requests in flight
 * for `--seconds`, over keep-alive HTTP/1.1 connections (the load generators' client) or over
 * HTTP/2 connections without TLS carrying many streams each (node:http2), alternating `--rounds`
 * times. Browsers behind TLS would speak HTTP/2 for every request, not only for SSE.
 *
 *   node bench/dist/micro/request-cost.js [--seconds 5] [--concurrency 64] [--h2-connections 4] [--rounds 2]
 * Writes bench-results/request-cost.json.
 */
import { fork } from "node:child_process";
import { once } from "node:events";
import { existsSync } from "node:fs";
import { mkdir, writeFile } from "node:fs/promises";
import type { IncomingMessage, Server, ServerResponse } from "node:http";
import { type ClientHttp2Session, connect as h2connect } from "node:http2";
import { join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { parseArgs } from "node:util";
import { initTRPC } from "@trpc/server";
import { z } from "zod";
import { closedLoop } from "../loadgen/drive.js";
import { TrpcHttp } from "../loadgen/trpc.js";
import { load1, machine, ROOT } from "../run/machine.js";
import { runMicro, wholeNumber } from "./args.js";

type Mode = "h1" | "h2";
const LEAN_HTTP = join(ROOT, "packages/api/dist/http/index.js");
type HttpModule = {
  createLeanHandler(opts: { router: unknown }): (req: IncomingMessage, res: ServerResponse) => void;
  createApiServer(opts: { handler: (req: IncomingMessage, res: ServerResponse) => void }): Server;
  listen(server: Server, port: number): Promise<number>;
};

// ------------------------------------------------------------------ server (child process)
async function serve(): Promise<void> {
  const http = (await import(pathToFileURL(LEAN_HTTP).href)) as HttpModule;
  const t = initTRPC.create({ isDev: false });
  const router = t.router({
    status: t.procedure.input(z.object({ ticket: z.string().min(1) })).query(({ input }) => ({
      ticket: input.ticket,
      productId: 7,
      seq: 1234,
      state: "WAITING",
      ahead: 1000,
      etaSec: 42,
      stockLeft: 500,
      admitted: 200,
      capacity: 200,
      expiresAt: null,
      orderId: null,
      version: "W:1000:42:500:200",
    })),
  });
  const server = http.createApiServer({ handler: http.createLeanHandler({ router }) });
  const port = await http.listen(server, 0);
  process.send?.({ port });
  process.on("message", (msg: string) => {
    if (msg === "cpu") {
      const u = process.cpuUsage();
      process.send?.({ cpuUs: u.user + u.system });
    }
  });
  process.on("disconnect", () => process.exit(0));
}

// ------------------------------------------------------------------ driver (this process)
interface Measured {
  mode: Mode;
  requests: number;
  errors: number;
  perSec: number;
  serverCpuUsPerRequest: number;
}

const PATH = `/api/trpc/status?input=${encodeURIComponent(JSON.stringify({ ticket: `v1.${"x".repeat(120)}` }))}`;

async function measure(mode: Mode, port: number, ask: () => Promise<number>, seconds: number, concurrency: number, h2Connections: number): Promise<Measured> {
  let requests = 0;
  let errors = 0;
  let call: () => Promise<void>;
  let close: () => Promise<void>;
  if (mode === "h1") {
    const api = new TrpcHttp(`http://127.0.0.1:${port}`, concurrency);
    call = () => api.query("status", { ticket: `v1.${"x".repeat(120)}` }).then(() => undefined);
    close = () => api.close();
  } else {
    const sessions: ClientHttp2Session[] = [];
    for (let i = 0; i < h2Connections; i++) {
      const s = h2connect(`http://127.0.0.1:${port}`);
      await once(s, "connect");
      sessions.push(s);
    }
    let k = 0;
    call = () =>
      new Promise<void>((resolve, reject) => {
        const stream = (sessions[k++ % sessions.length] as ClientHttp2Session).request({ ":path": PATH });
        let status = 0;
        let body = "";
        stream.setEncoding("utf8");
        stream.on("response", (h) => {
          status = Number(h[":status"]);
        });
        stream.on("data", (c: string) => {
          body += c;
        });
        stream.on("end", () => (status === 200 && body.startsWith('{"result"') ? resolve() : reject(new Error(`HTTP ${status}`))));
        stream.on("error", reject);
      });
    close = async () => {
      for (const s of sessions) s.close();
    };
  }
  // Warm both sides up before counting.
  const warmUntil = Date.now() + 1_000;
  await closedLoop(concurrency, () => () => call().catch(() => undefined), warmUntil);
  const before = await ask();
  const started = performance.now();
  await closedLoop(
    concurrency,
    () => () =>
      call().then(
        () => {
          requests++;
        },
        () => {
          errors++;
        },
      ),
    Date.now() + seconds * 1_000,
  );
  const elapsed = (performance.now() - started) / 1_000;
  const after = await ask();
  await close();
  return {
    mode,
    requests,
    errors,
    perSec: Math.round(requests / elapsed),
    serverCpuUsPerRequest: requests > 0 ? Math.round(((after - before) / requests) * 10) / 10 : 0,
  };
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      serve: { type: "boolean" },
      seconds: { type: "string" },
      concurrency: { type: "string" },
      "h2-connections": { type: "string" },
      rounds: { type: "string" },
    },
    strict: true,
    allowPositionals: false,
  });
  if (values.serve) return serve();
  if (!existsSync(LEAN_HTTP)) throw new Error(`${LEAN_HTTP} is missing: build the API first (npm run build -w @quickdeal/api)`);
  const seconds = wholeNumber("seconds", values.seconds, 5);
  const concurrency = wholeNumber("concurrency", values.concurrency, 64);
  const h2Connections = wholeNumber("h2-connections", values["h2-connections"], 4);
  const rounds = wholeNumber("rounds", values.rounds, 2);
  const child = fork(fileURLToPath(import.meta.url), ["--serve"], { stdio: "inherit" });
  const [{ port }] = (await once(child, "message")) as [{ port: number }];
  const ask = async (): Promise<number> => {
    const reply = once(child, "message");
    child.send("cpu");
    return ((await reply)[0] as { cpuUs: number }).cpuUs;
  };
  const loadBefore = load1();
  const results: Measured[] = [];
  for (let r = 0; r < rounds; r++) {
    for (const mode of ["h1", "h2"] as const) {
      const m = await measure(mode, port, ask, seconds, concurrency, h2Connections);
      console.log(
        `${mode} round ${r + 1}: ${m.perSec} req/s, server ${m.serverCpuUsPerRequest} µs CPU per request (${m.requests} requests, ${m.errors} errors)`,
      );
      results.push(m);
    }
  }
  child.kill("SIGTERM");
  const out = { measuredAt: new Date().toISOString(), machine: machine(), loadAverage1m: { before: loadBefore, after: load1() }, seconds, concurrency, h2Connections, results };
  const dir = join(ROOT, "bench-results");
  await mkdir(dir, { recursive: true });
  await writeFile(join(dir, "request-cost.json"), `${JSON.stringify(out, null, 2)}\n`);
  process.exit(0);
}

await runMicro("node bench/dist/micro/request-cost.js [--seconds 5] [--concurrency 64] [--h2-connections 4] [--rounds 2]", main);

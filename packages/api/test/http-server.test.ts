// The API process around the lean handler: routing, body limits at the socket level, graceful
// close, and the node:cluster runner (restart on crash, graceful SIGTERM).
import { type ChildProcess, spawn } from "node:child_process";
import { once } from "node:events";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { type Server, request } from "node:http";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { pathToFileURL } from "node:url";
import { initTRPC } from "@trpc/server";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { z } from "zod";
import { closeServer, createApiServer, createLeanHandler, listen } from "../src/http/index.js";

const t = initTRPC.create({ isDev: false });
const router = t.router({
  echo: t.procedure.input(z.object({ text: z.string() })).mutation(({ input }) => input.text.length),
  slow: t.procedure.query(async () => {
    await new Promise((r) => setTimeout(r, 300));
    return "done";
  }),
});

function rawRequest(port: number, opts: { method: string; path: string; headers?: Record<string, string | number>; body?: Buffer }) {
  return new Promise<{ status: number; body: string; headers: Record<string, unknown> }>((resolve, reject) => {
    const req = request({ host: "127.0.0.1", port, method: opts.method, path: opts.path, headers: opts.headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on("data", (c: Buffer) => chunks.push(c));
      res.on("end", () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString(), headers: res.headers }));
    });
    req.on("error", reject);
    req.end(opts.body);
  });
}

describe("createApiServer", () => {
  let server: Server;
  let port: number;
  beforeAll(async () => {
    server = createApiServer({
      handler: createLeanHandler({ router, maxBodySize: 1024 }),
      routes: { "/metrics": (_req, res) => res.writeHead(200, { "content-type": "text/plain" }).end("up 1\n") },
    });
    port = await listen(server, 0);
  });
  afterAll(() => closeServer(server, 100));

  it("routes /api/trpc to the handler, extra routes by exact path, 404 otherwise", async () => {
    const metrics = await rawRequest(port, { method: "GET", path: "/metrics?x=1" });
    expect(metrics).toMatchObject({ status: 200, body: "up 1\n" });
    const trpc = await rawRequest(port, { method: "GET", path: "/api/trpc/slow" });
    expect(trpc).toMatchObject({ status: 200, body: '{"result":{"data":"done"}}' });
    expect(trpc.headers["content-type"]).toBe("application/json");
    expect((await rawRequest(port, { method: "GET", path: "/api/trpcx" })).status).toBe(404);
    expect((await rawRequest(port, { method: "GET", path: "/metrics/more" })).status).toBe(404);
  });

  it("refuses a body declared too large before reading it", async () => {
    const body = Buffer.from(JSON.stringify({ text: "z".repeat(5000) }));
    const res = await rawRequest(port, {
      method: "POST",
      path: "/api/trpc/echo",
      headers: { "content-type": "application/json", "content-length": body.length },
      body,
    });
    expect(res.status).toBe(413);
    expect(JSON.parse(res.body)).toMatchObject({ error: { data: { code: "PAYLOAD_TOO_LARGE" } } });
  });

  it("refuses a chunked body that grows too large", async () => {
    const res = await new Promise<{ status: number; body: string }>((resolve, reject) => {
      const req = request(
        { host: "127.0.0.1", port, method: "POST", path: "/api/trpc/echo", headers: { "content-type": "application/json" } },
        (r) => {
          let body = "";
          r.on("data", (c: Buffer) => {
            body += c.toString();
          });
          r.on("end", () => resolve({ status: r.statusCode ?? 0, body }));
        },
      );
      req.on("error", reject);
      req.write('{"text":"');
      for (let i = 0; i < 4; i++) req.write("a".repeat(512));
      req.end('"}');
    });
    expect(res.status).toBe(413);
    // the server is fine afterwards
    expect((await rawRequest(port, { method: "GET", path: "/api/trpc/slow" })).status).toBe(200);
  });

  it("closeServer lets a request in flight finish", async () => {
    const other = createApiServer({ handler: createLeanHandler({ router }) });
    const otherPort = await listen(other, 0);
    const inFlight = rawRequest(otherPort, { method: "GET", path: "/api/trpc/slow" });
    await new Promise((r) => setTimeout(r, 50));
    const closed = closeServer(other, 5_000);
    await expect(inFlight).resolves.toMatchObject({ status: 200, body: '{"result":{"data":"done"}}' });
    await closed;
    await expect(rawRequest(otherPort, { method: "GET", path: "/api/trpc/slow" })).rejects.toThrow();
  });
});

// ------------------------------------------------------------------ cluster
const clusterModule = pathToFileURL(resolve(import.meta.dirname, "../src/http/index.ts")).href;
const workerScript = `
import { closeServer, createApiServer, listen, runClustered } from ${JSON.stringify(clusterModule)};
const port = Number(process.argv[2]);
const accept = process.argv[3];
runClustered(2, async () => {
  const server = createApiServer({
    handler: (_req, res) => res.end("trpc"),
    routes: {
      "/pid": (_req, res) => res.end(String(process.pid)),
      "/crash": () => process.exit(3),
      "/slow": (_req, res) => setTimeout(() => res.end("slow done"), 500),
    },
  });
  await listen(server, port);
  console.log("ready " + process.pid);
  return { close: () => closeServer(server, 2000) };
}, { shutdownTimeoutMs: 3000, accept, log: (m) => console.log("primary: " + m) });
`;

// Both ways of accepting connections: the primary handing them out, or the workers taking them.
describe.each(["primary", "workers"] as const)("runClustered, connections accepted by the %s", (accept) => {
  let dir: string;
  let child: ChildProcess | undefined;
  let output = "";

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), "qd-cluster-"));
    await writeFile(join(dir, "main.mts"), workerScript);
  });
  afterAll(async () => {
    if (child && child.exitCode === null) {
      child.kill("SIGKILL");
    }
    await rm(dir, { recursive: true, force: true });
  });

  async function waitFor(pattern: RegExp, count: number, timeoutMs = 20_000): Promise<string[]> {
    const start = Date.now();
    while (Date.now() - start < timeoutMs) {
      const matches = [...output.matchAll(new RegExp(pattern, "g"))].map((m) => m[1] ?? m[0]);
      if (matches.length >= count) return matches;
      await new Promise((r) => setTimeout(r, 50));
    }
    throw new Error(`timed out waiting for ${pattern}; output:\n${output}`);
  }

  it("runs workers, restarts a crashed one, and shuts down gracefully on SIGTERM", async () => {
    const probe = createApiServer({ handler: (_q, s) => s.end() });
    const port = await listen(probe, 0);
    await closeServer(probe, 0);

    child = spawn(process.execPath, ["--import", "tsx", join(dir, "main.mts"), String(port), accept], {
      cwd: resolve(import.meta.dirname, ".."),
      stdio: ["ignore", "pipe", "pipe"],
    });
    child.stdout?.on("data", (c: Buffer) => {
      output += c.toString();
    });
    child.stderr?.on("data", (c: Buffer) => {
      output += c.toString();
    });

    const pids = await waitFor(/ready (\d+)/, 2);
    expect(new Set(pids).size).toBe(2);
    const served = await rawRequest(port, { method: "GET", path: "/pid" });
    expect(pids).toContain(served.body);

    // a worker dies: the primary forks a replacement
    await rawRequest(port, { method: "GET", path: "/crash" }).catch(() => undefined);
    await waitFor(/primary: worker \d+ exited/, 1);
    const after = await waitFor(/ready (\d+)/, 3);
    expect(new Set(after).size).toBe(3);
    expect((await rawRequest(port, { method: "GET", path: "/pid" })).status).toBe(200);

    // With the primary stopped, a new connection is taken only by workers that accept themselves;
    // handed out by the primary, it waits until the primary runs again.
    child.kill("SIGSTOP");
    const whileStopped = new Promise<number>((done, fail) => {
      request({ host: "127.0.0.1", port, path: "/pid", agent: false }, (res) => {
        res.resume();
        res.on("end", () => done(res.statusCode ?? 0));
      })
        .on("error", fail)
        .end();
    });
    const early = await Promise.race([whileStopped, new Promise<"waiting">((r) => setTimeout(() => r("waiting"), 1500))]);
    child.kill("SIGCONT");
    expect(early).toBe(accept === "workers" ? 200 : "waiting");
    expect(await whileStopped).toBe(200);

    // SIGTERM: requests in flight complete, then everything exits cleanly
    const slow = rawRequest(port, { method: "GET", path: "/slow" });
    await new Promise((r) => setTimeout(r, 100));
    child.kill("SIGTERM");
    await expect(slow).resolves.toMatchObject({ status: 200, body: "slow done" });
    const [code] = (await once(child, "exit")) as [number | null];
    expect(code).toBe(0);
    expect(output).toMatch(/primary: SIGTERM: stopping 2 workers/);
    // no restarts were attempted during shutdown
    expect([...output.matchAll(/exited/g)].length).toBe(1);
  });
});

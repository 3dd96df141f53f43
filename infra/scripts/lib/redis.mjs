// Redis: reuse the server REDIS_URL points at, else start redis-server (daemonized) on that port.
import { mkdirSync, rmSync } from "node:fs";
import { join } from "node:path";
import { Redis } from "ioredis";
import { isLoopback } from "./env.mjs";
import { Missing, readPid, run, stopPid, tail, waitFor, which } from "./proc.mjs";

const PID_MATCH = /redis-server/;

function target(env) {
  const u = new URL(env.REDIS_URL);
  return { host: u.hostname.replace(/^\[|\]$/g, ""), port: Number(u.port || 6379), label: `${u.hostname}:${u.port || 6379}` };
}

async function answers(env) {
  const client = new Redis(env.REDIS_URL, {
    lazyConnect: true,
    connectTimeout: 1000,
    maxRetriesPerRequest: 0,
    retryStrategy: () => null,
    enableOfflineQueue: false,
  });
  client.on("error", () => {});
  try {
    await client.connect();
    return (await client.ping()) === "PONG";
  } catch {
    return false;
  } finally {
    client.disconnect();
  }
}

function layout(ctx) {
  return {
    dir: join(ctx.cache, "redis"),
    pidFile: join(ctx.run, "redis.pid"),
    logFile: join(ctx.logs, "redis.log"),
  };
}

export async function up(ctx) {
  const t = target(ctx.env);
  if (await answers(ctx.env)) {
    ctx.log(`already answering on ${t.label}, reusing`);
    ctx.noop();
    return;
  }
  if (!isLoopback(t.host)) throw new Error(`redis: ${t.label} does not answer and is not on this machine`);
  const r = layout(ctx);
  if (!readPid(r.pidFile, PID_MATCH)) {
    const bin = which("redis-server");
    if (!bin) throw new Missing("redis-server not found: apt-get install redis-server");
    mkdirSync(r.dir, { recursive: true });
    ctx.log(`starting redis-server on ${t.label} (log: .cache/logs/redis.log)`);
    // Dev/test data is disposable: no RDB snapshots, no AOF.
    const res = run(bin, [
      "--daemonize", "yes",
      "--bind", t.host,
      "--port", String(t.port),
      "--pidfile", r.pidFile,
      "--dir", r.dir,
      "--logfile", r.logFile,
      "--save", "",
      "--appendonly", "no",
    ]);
    if (res.status !== 0) throw new Error(`redis: redis-server failed to start:\n${res.stderr}${tail(r.logFile)}`);
    ctx.started();
  }
  await waitFor("redis", () => answers(ctx.env), {
    timeoutMs: 20_000,
    intervalMs: 200,
    abort: () => null,
  });
  ctx.log("ready");
}

export async function down(ctx) {
  const r = layout(ctx);
  const pid = readPid(r.pidFile, PID_MATCH);
  if (!pid) {
    ctx.log("not started by these scripts, leaving it alone");
    return;
  }
  ctx.log(`stopping redis-server (pid ${pid})`);
  await stopPid(pid, 15_000);
  rmSync(r.pidFile, { force: true });
  ctx.log("stopped");
}

export async function status(ctx) {
  const pid = readPid(layout(ctx).pidFile, PID_MATCH);
  const ok = await answers(ctx.env);
  ctx.log(`${ok ? "up" : "down"} on ${target(ctx.env).label}, ${pid ? `started by these scripts (pid ${pid})` : "not started by these scripts"}`);
  return ok;
}

#!/usr/bin/env node
// Local services without Docker: `node infra/scripts/services.mjs up|down|status [mysql|redis|kafka …]`.
// Reuses what already answers, starts what does not (pid files in .cache/run), and stops only its own.
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { loadEnv, paths } from "./lib/env.mjs";
import * as kafka from "./lib/kafka.mjs";
import * as mysql from "./lib/mysql.mjs";
import { Missing, withLock } from "./lib/proc.mjs";
import * as redis from "./lib/redis.mjs";

const SERVICES = { mysql, redis, kafka };

export async function services(action, only = [], { log = console.log } = {}) {
  const p = paths();
  mkdirSync(p.run, { recursive: true });
  mkdirSync(p.logs, { recursive: true });
  const env = loadEnv(p.root);
  const names = only.length ? only : Object.keys(SERVICES);
  const summary = { started: [], reused: [], up: [], down: [] };
  const body = async () => {
    // down stops in reverse order so the broker is not left without what it depends on (nothing today).
    const order = action === "down" ? [...names].reverse() : names;
    for (const name of order) {
      const svc = SERVICES[name];
      if (!svc) throw new Error(`unknown service ${name} (known: ${Object.keys(SERVICES).join(", ")})`);
      const ctx = {
        ...p,
        env,
        log: (msg) => log(`${name}: ${msg}`),
        started: () => summary.started.push(name),
        noop: () => summary.reused.push(name),
      };
      if (action === "up") await svc.up(ctx);
      else if (action === "down") await svc.down(ctx);
      else (await svc.status(ctx)) ? summary.up.push(name) : summary.down.push(name);
    }
  };
  if (action === "status") await body();
  else await withLock(join(p.run, "services.lock"), body, { onWait: (pid) => log(`waiting for another services run (pid ${pid}) to finish`) });
  return summary;
}

async function main() {
  const [action = "status", ...only] = process.argv.slice(2);
  if (!["up", "down", "status"].includes(action)) {
    console.error("usage: services.mjs up|down|status [mysql|redis|kafka …]");
    process.exit(2);
  }
  try {
    const s = await services(action, only);
    if (action === "up") {
      console.log(
        s.started.length
          ? `services: up (started ${s.started.join(", ")}${s.reused.length ? `; reused ${s.reused.join(", ")}` : ""})`
          : "services: everything was already up, nothing started",
      );
    } else if (action === "status") {
      console.log(s.down.length ? `services: ${s.down.join(", ")} down` : "services: all up");
      process.exitCode = s.down.length ? 3 : 0;
    }
  } catch (err) {
    console.error(err instanceof Missing ? err.message : `services ${action} failed: ${err.message}`);
    process.exitCode = 1;
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) await main();

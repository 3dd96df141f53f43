#!/usr/bin/env node
// `npm start`: the whole app on this machine — install if needed, services up, build, migrate, seed,
// then run the API, the queue worker and the web app under one supervisor (Ctrl-C stops all).
import { existsSync } from "node:fs";
import { join } from "node:path";
import { loadEnv, ROOT } from "./lib/env.mjs";
import { banner, mustStep, step } from "./lib/steps.mjs";
import { supervise } from "./lib/supervise.mjs";

const env = loadEnv();
const opts = { cwd: ROOT, env };

try {
  if (!existsSync(join(ROOT, "node_modules"))) {
    banner("installing dependencies (npm ci)");
    await mustStep("npm ci", "npm", ["ci"], opts);
  }

  banner("services up");
  await mustStep("services up", process.execPath, [join(ROOT, "infra/scripts/services.mjs"), "up"], opts);

  // The db package's migrate/seed commands run from its build, so build it first.
  banner("migrate and seed the database");
  await mustStep("build @quickdeal/db", "npx", ["turbo", "run", "build", "--filter=@quickdeal/db"], opts);
  await mustStep("migrate", "npm", ["run", "migrate", "-w", "@quickdeal/db"], opts);
  await mustStep("seed", "npm", ["run", "seed", "-w", "@quickdeal/db"], opts);

  // Only what runs here (and what it depends on): the Electron kiosk is not part of `npm start`.
  banner("build");
  const filters = ["@quickdeal/api", "@quickdeal/queue", "@quickdeal/web"].map((p) => `--filter=${p}`);
  // --continue: one broken package should not keep the others from starting (each is checked below).
  const built = await step("npx", ["turbo", "run", "build", "--continue", ...filters], opts);
  if (built.code !== 0) console.error("start: some builds failed (see above); starting what was built");
} catch (err) {
  console.error(`start: ${err.message}`);
  process.exit(err.exitCode ?? 1);
}

const children = [
  { name: "api", entry: "packages/api/dist/server.js", cmd: process.execPath, args: [join(ROOT, "packages/api/dist/server.js")] },
  { name: "worker", entry: "packages/queue/dist/worker.js", cmd: process.execPath, args: [join(ROOT, "packages/queue/dist/worker.js")] },
  { name: "web", entry: "apps/web/.next/BUILD_ID", cmd: "npm", args: ["run", "start", "-w", "@quickdeal/web"] },
].filter((c) => {
  if (existsSync(join(ROOT, c.entry))) return true;
  console.error(`start: ${c.entry} is missing, so ${c.name} is not started (the rest runs)`);
  return false;
});

if (!children.length) {
  console.error("start: nothing to run");
  process.exit(1);
}

banner(`running ${children.map((c) => c.name).join(", ")}`);
console.log(`storefront: ${env.WEB_ORIGIN ?? "http://localhost:3000"}  api: ${env.API_PUBLIC_URL ?? "http://localhost:4000"}  (Ctrl-C stops)`);
supervise(children, opts);

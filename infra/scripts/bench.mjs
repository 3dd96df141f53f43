#!/usr/bin/env node
// `npm run bench -- [options]`: services up, build what the bench runs (API, queue worker, the
// bench itself), then the load bench (bench/dist/cli.js) with the options passed through.
// `npm run bench -- --help` lists them; results go to bench-results/ (see docs/performance.md).
import { existsSync } from "node:fs";
import { join } from "node:path";
import { loadEnv, ROOT } from "./lib/env.mjs";
import { banner, mustStep, step } from "./lib/steps.mjs";

const env = loadEnv();
const opts = { cwd: ROOT, env };
const args = process.argv.slice(2);
const help = args.includes("--help") || args.includes("-h");

try {
  if (!help) {
    banner("services up");
    await mustStep("services up", process.execPath, [join(ROOT, "infra/scripts/services.mjs"), "up"], opts);
  }
  banner("build");
  await mustStep("build the bench", "npx", ["turbo", "run", "build", "--filter=@quickdeal/bench"], opts);
  if (!help && !args.includes("--million")) {
    const api = await step("npx", ["turbo", "run", "build", "--filter=@quickdeal/api", "--filter=@quickdeal/queue"], opts);
    if (api.code !== 0) {
      // The API may be mid-edit by someone else: an earlier build still measures something real.
      const entries = ["packages/api/dist/server.js", "packages/queue/dist/worker.js"];
      const missing = entries.filter((e) => !existsSync(join(ROOT, e)));
      if (missing.length) throw new Error(`build failed and ${missing.join(", ")} is missing`);
      console.error("bench: the API/queue build failed; measuring the last successful build");
    }
  }
} catch (err) {
  console.error(`bench: ${err.message}`);
  process.exit(err.exitCode ?? 1);
}

if (!help) banner("bench");
const run = await step(process.execPath, [join(ROOT, "bench/dist/cli.js"), ...args], opts);
process.exit(run.code);

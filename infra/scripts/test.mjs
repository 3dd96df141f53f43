#!/usr/bin/env node
// `npm test`: services up → lint, typecheck, unit + integration tests (turbo, fail fast) → Playwright e2e.
// Each package's Vitest globalSetup migrates its own test database, so nothing is migrated here.
import { existsSync, readFileSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { loadEnv, ROOT } from "./lib/env.mjs";
import { banner, countTests, mustStep, step } from "./lib/steps.mjs";

const env = { ...loadEnv(), FORCE_COLOR: process.env.FORCE_COLOR ?? "1" };
const npx = "npx";
const counts = { passed: 0, failed: 0, skipped: 0 };
const t0 = Date.now();

function workspacesWith(script) {
  const pkgs = JSON.parse(readFileSync(join(ROOT, "package.json"), "utf8")).workspaces ?? [];
  const found = [];
  for (const pattern of pkgs) {
    const dirs = pattern.endsWith("/*")
      ? readdirSync(join(ROOT, pattern.slice(0, -2)), { withFileTypes: true })
          .filter((d) => d.isDirectory())
          .map((d) => join(pattern.slice(0, -2), d.name))
      : [pattern];
    for (const dir of dirs) {
      const file = join(ROOT, dir, "package.json");
      if (!existsSync(file)) continue;
      const pkg = JSON.parse(readFileSync(file, "utf8"));
      if (pkg.scripts?.[script]) found.push(pkg.name);
    }
  }
  return found;
}

function summary(ok, note) {
  const secs = Math.round((Date.now() - t0) / 1000);
  console.log(`\n${ok ? "PASS" : "FAIL"}: ${note} in ${secs} s`);
  const skipped = counts.skipped ? `, ${counts.skipped} skipped` : "";
  console.log(`summary: ${counts.passed} passed, ${counts.failed} failed${skipped}`);
}

try {
  banner("services up");
  await mustStep("services up", process.execPath, [join(ROOT, "infra/scripts/services.mjs"), "up"], { cwd: ROOT, env });

  banner("lint, typecheck, unit and integration tests");
  // Two tasks at a time: the machine has 2 cores and the suites share MySQL, Redis and Kafka.
  const main = await step(npx, ["turbo", "run", "lint", "typecheck", "test", "--concurrency=2"], { cwd: ROOT, env, capture: true });
  countTests(main.out, counts);
  if (main.code !== 0) {
    if (!counts.failed) counts.failed = 1; // a lint/typecheck failure counts as one
    summary(false, "lint, typecheck or tests failed");
    process.exit(main.code);
  }

  banner("end-to-end tests");
  const e2e = workspacesWith("test:e2e");
  if (!e2e.length) {
    console.log("e2e: no workspace defines test:e2e, skipping");
  } else {
    if (!existsSync("/usr/bin/chromium")) console.log("e2e: /usr/bin/chromium is missing (apt-get install chromium); the browser tests will fail");
    const r = await step(npx, ["turbo", "run", "test:e2e", "--concurrency=1"], { cwd: ROOT, env, capture: true });
    countTests(r.out, counts);
    if (r.code !== 0) {
      if (!counts.failed) counts.failed = 1;
      summary(false, `e2e tests failed (${e2e.join(", ")})`);
      process.exit(r.code);
    }
  }
  summary(true, "lint, typecheck, unit, integration and e2e tests");
} catch (err) {
  console.error(err.message);
  counts.failed ||= 1;
  summary(false, err.message);
  process.exit(err.exitCode ?? 1);
}

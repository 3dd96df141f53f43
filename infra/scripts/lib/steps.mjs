// Runs the steps of `npm test` / `npm start`: each a command with inherited output that must succeed.
import { spawn } from "node:child_process";

export function banner(text) {
  console.log(`\n=== ${text} ===`);
}

/** Runs cmd and resolves with its exit code; `capture` also returns the output (still shown live). */
export function step(cmd, args, { cwd, env, capture = false } = {}) {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { cwd, env, stdio: capture ? ["ignore", "pipe", "pipe"] : "inherit" });
    let out = "";
    if (capture) {
      child.stdout.on("data", (d) => {
        process.stdout.write(d);
        out += d;
      });
      child.stderr.on("data", (d) => {
        process.stderr.write(d);
        out += d;
      });
    }
    child.once("error", reject);
    child.once("close", (code, signal) => resolve({ code: code ?? (signal ? 128 : 1), out }));
  });
}

export async function mustStep(what, cmd, args, opts) {
  const r = await step(cmd, args, opts);
  if (r.code !== 0) {
    const err = new Error(`${what} failed (exit ${r.code})`);
    err.exitCode = r.code;
    throw err;
  }
  return r;
}

const ANSI = new RegExp(`${String.fromCharCode(27)}\\[[0-9;]*[A-Za-z]`, "g");

/** Adds up Vitest ("Tests  3 failed | 40 passed | 1 skipped (44)") and Playwright ("  12 passed (9.1s)") totals. */
export function countTests(output, counts = { passed: 0, failed: 0, skipped: 0 }) {
  for (const raw of output.replace(ANSI, "").split("\n")) {
    // Turbo prefixes each line with "<package>:<task>: ".
    const line = raw.replace(/^@?[\w./-]+:[\w:-]+: ?/, "").trimEnd();
    const vitest = /^\s*Tests\s+(.*\(\d+\))\s*$/.exec(line);
    if (vitest?.[1]) {
      for (const m of vitest[1].matchAll(/(\d+) (passed|failed|skipped|todo)/g)) {
        const kind = m[2] === "todo" ? "skipped" : m[2];
        counts[kind] += Number(m[1]);
      }
      continue;
    }
    const pw = /^\s+(\d+) (passed|failed|skipped|flaky)( \(.*\))?$/.exec(line);
    if (pw?.[1] && pw[2]) counts[pw[2] === "flaky" ? "passed" : pw[2]] += Number(pw[1]);
  }
  return counts;
}

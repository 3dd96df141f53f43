// Runs long-lived children with prefixed output, restarts one that crashes (with backoff, a few
// times), and stops them all on Ctrl-C / SIGTERM.
import { spawn } from "node:child_process";
import { createInterface } from "node:readline";

const COLORS = [36, 35, 33, 32, 34];
const MAX_RESTARTS = 5;

export function supervise(specs, { env, cwd }) {
  const width = Math.max(...specs.map((s) => s.name.length));
  const procs = new Map();
  let stopping = false;

  const prefix = (spec, i) => `\u001b[${COLORS[i % COLORS.length]}m${spec.name.padEnd(width)} |\u001b[0m `;

  function start(spec, i, restarts = 0) {
    const tag = prefix(spec, i);
    // Own process group, so stopping `npm run …` also stops what it started (next start).
    const child = spawn(spec.cmd, spec.args, { cwd, env, stdio: ["ignore", "pipe", "pipe"], detached: true });
    procs.set(spec.name, child);
    for (const stream of [child.stdout, child.stderr]) {
      createInterface({ input: stream }).on("line", (line) => process.stdout.write(`${tag}${line}\n`));
    }
    child.once("error", (err) => process.stdout.write(`${tag}failed to start: ${err.message}\n`));
    child.once("exit", (code, signal) => {
      procs.delete(spec.name);
      if (stopping) return;
      process.stdout.write(`${tag}exited (${signal ?? `code ${code}`})\n`);
      if (restarts >= MAX_RESTARTS) {
        process.stdout.write(`${tag}gave up after ${MAX_RESTARTS} restarts\n`);
        if (procs.size === 0) process.exit(1);
        return;
      }
      const delay = 1000 * 2 ** restarts;
      process.stdout.write(`${tag}restarting in ${delay / 1000} s\n`);
      setTimeout(() => !stopping && start(spec, i, restarts + 1), delay);
    });
  }

  async function stopAll(signal) {
    if (stopping) return;
    stopping = true;
    console.log(`\n${signal}: stopping ${[...procs.keys()].join(", ") || "nothing"} …`);
    const waits = [...procs.values()].map(
      (child) =>
        new Promise((resolve) => {
          child.once("exit", resolve);
          try {
            process.kill(-child.pid, "SIGTERM");
          } catch {
            resolve();
          }
          setTimeout(() => {
            try {
              process.kill(-child.pid, "SIGKILL");
            } catch {}
            resolve();
          }, 10_000).unref();
        }),
    );
    await Promise.all(waits);
    console.log("stopped (services keep running: npm run services:down stops them)");
    process.exit(0);
  }

  process.on("SIGINT", () => stopAll("SIGINT"));
  process.on("SIGTERM", () => stopAll("SIGTERM"));
  for (const [i, spec] of specs.entries()) start(spec, i);
}

/**
 * Prints who spends a process's CPU in a `perf` recording (perf-owners.ts).
 *
 *   perf record -a -g -F 999 -o run.perf -- sleep 5        # while the phase runs
 *   perf script -i run.perf -F pid,ip,sym,dso > run.txt
 *   npm run perf-owners -w @quickdeal/bench -- run.txt --pid 1234,1235
 *
 * Start the API with `--api-node-args=--perf-basic-prof` so its JavaScript frames have names.
 * Without a file it reads standard input.
 */
import { readFileSync } from "node:fs";
import { parseArgs } from "node:util";
import { ownerTable, parsePerfScript, renderOwnerTable } from "./perf-owners.js";

function main(): number {
  let parsed: ReturnType<typeof parse>;
  try {
    parsed = parse();
  } catch (err) {
    process.stderr.write(`${(err as Error).message}\nusage: perf-owners [perf-script.txt] [--pid 1,2] [--min-share 0.1]\n`);
    return 2;
  }
  const { values, positionals } = parsed;
  const pids = values.pid ? new Set(values.pid.split(",").map((p) => Number(p.trim()))) : undefined;
  if (pids && [...pids].some((p) => !Number.isInteger(p) || p <= 0)) {
    process.stderr.write(`--pid takes process ids separated by commas, not "${values.pid}"\n`);
    return 2;
  }
  const minSharePct = values["min-share"] === undefined ? 0.1 : Number(values["min-share"]);
  if (!Number.isFinite(minSharePct) || minSharePct < 0 || minSharePct > 100) {
    process.stderr.write(`--min-share takes a percentage (0-100), not "${values["min-share"]}"\n`);
    return 2;
  }
  let text: string;
  try {
    text = readFileSync(positionals[0] ?? 0, "utf8");
  } catch (err) {
    process.stderr.write(`cannot read ${positionals[0] ?? "standard input"}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}\n`);
    return 2;
  }
  const table = ownerTable(parsePerfScript(text), pids);
  if (table.samples === 0) {
    process.stderr.write("no samples (wrong --pid? was perf script run with -F pid,ip,sym,dso?)\n");
    return 1;
  }
  process.stdout.write(`${renderOwnerTable(table, minSharePct / 100)}\n`);
  return 0;
}

function parse() {
  return parseArgs({
    allowPositionals: true,
    options: { pid: { type: "string" }, "min-share": { type: "string" } },
  });
}

process.exitCode = main();

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
import { ownerFunctions, ownerTable, parsePerfScript, perfMapLookups, renameJitFrames, renderOwnerTable } from "./perf-owners.js";

function main(): number {
  let parsed: ReturnType<typeof parse>;
  try {
    parsed = parse();
  } catch (err) {
    process.stderr.write(`${(err as Error).message}\nusage: perf-owners [perf-script.txt] [--pid 1,2] [--min-share 0.1] [--perf-names] [--functions owner]\n`);
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
  const samples = parsePerfScript(text).filter((s) => !pids || pids.has(s.pid));
  if (!values["perf-names"]) process.stdout.write(`${renameFromMaps(samples)}\n`);
  const table = ownerTable(samples);
  if (table.samples === 0) {
    process.stderr.write("no samples (wrong --pid? was perf script run with -F pid,ip,sym,dso?)\n");
    return 1;
  }
  process.stdout.write(`${renderOwnerTable(table, minSharePct / 100)}\n`);
  const owner = values.functions;
  if (owner !== undefined) {
    const pct = (n: number) => `${((100 * n) / table.samples).toFixed(1)} %`.padStart(7);
    const fns = ownerFunctions(samples, owner);
    process.stdout.write(`\n${owner}, by function (share of all samples):\n`);
    process.stdout.write(fns.length > 0 ? `${fns.map((f) => `${pct(f.samples)}  ${f.fn}`).join("\n")}\n` : "(no samples)\n");
  }
  return 0;
}

function parse() {
  return parseArgs({
    allowPositionals: true,
    options: { pid: { type: "string" }, "min-share": { type: "string" }, "perf-names": { type: "boolean" }, functions: { type: "string" } },
  });
}

/** Renames the samples' JIT frames from the perf maps perf read them from; says what it did. */
function renameFromMaps(samples: ReturnType<typeof parsePerfScript>): string {
  const { lookups, unreadable } = perfMapLookups(samples, (path) => readFileSync(path, "utf8"));
  const { looked, renamed } = renameJitFrames(samples, lookups);
  const missing = unreadable.length > 0 ? `; not readable, perf's names kept: ${unreadable.join(", ")}` : "";
  return `JIT frames named from ${lookups.size} perf map(s), the last line covering an address winning: ${renamed} of ${looked} renamed${missing}`;
}

process.exitCode = main();

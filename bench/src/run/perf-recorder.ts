import { type ChildProcess, spawn, spawnSync } from "node:child_process";
import { once } from "node:events";
import { existsSync, readFileSync } from "node:fs";
import { rm, stat, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { createInterface } from "node:readline";
import { setTimeout as sleep } from "node:timers/promises";
import {
  LEAF_KINDS,
  type LeafKind,
  ownerFunctions,
  ownerTable,
  parsePerfScript,
  perfMapLookups,
  renameJitFrames,
  renderOwnerTable,
  type Sample,
} from "../profile/perf-owners.js";

/**
 * `--perf`: a system-wide `perf record -g` around each phase, and afterwards each phase's samples
 * of the API workers and of the queue worker filed by the JavaScript that asked for the CPU
 * (profile/perf-owners.ts). Unlike `--profile` (V8's sampler, on a wall-clock timer) it counts
 * only time on a CPU, kernel included, which is what two shared cores run out of. The processes
 * run with `--perf-basic-prof` so JavaScript frames have names.
 */

/** One process group's samples in one phase. */
export interface PerfPhase {
  phase: string;
  group: string;
  samples: number;
  /** Share of the samples by the kind of code at the leaf (0–1). */
  byKind: Record<LeafKind, number>;
  /** The largest owners (nearest JavaScript frame's module) and their share (0–1). */
  owners: { owner: string; share: number }[];
  /** The text table and the top functions of the largest owners, next to the run's profiles. */
  file: string;
}

export interface PerfGroup {
  name: string;
  pids: number[];
}

/** The flag node needs so perf can name JavaScript frames. */
export const PERF_NODE_FLAG = "--perf-basic-prof";

/** Throws with what is missing when this machine cannot record (no perf, or not allowed to). */
export function checkPerf(): void {
  const r = spawnSync("perf", ["record", "-q", "-a", "-o", "/dev/null", "--", "true"], { encoding: "utf8", timeout: 30_000 });
  if (r.error || r.status !== 0) {
    const why = r.error ? r.error.message : (r.stderr || `exit ${r.status}`).trim().split("\n")[0];
    throw new Error(`--perf needs Linux perf (Debian: linux-perf) and leave to record every CPU (root, or kernel.perf_event_paranoid ≤ 0): ${why}`);
  }
}

/** A file name for a phase: "joins, closed loop" → "joins-closed-loop". */
export function phaseSlug(phase: string): string {
  return phase.toLowerCase().replace(/[^a-z0-9]+/g, "-").replace(/^-|-$/g, "") || "phase";
}

export class PerfRecorder {
  private current: { phase: string; file: string; proc: ChildProcess } | null = null;
  private readonly recorded: { phase: string; file: string; groups: PerfGroup[] }[] = [];

  constructor(private readonly dir: string) {}

  /** Starts recording; resolves once perf writes its file (its first moments may be missed). */
  async start(phase: string): Promise<void> {
    const file = join(this.dir, `${phaseSlug(phase)}.perf.data`);
    const proc = spawn("perf", ["record", "-q", "-a", "-g", "-F", "999", "-o", file], { stdio: ["ignore", "ignore", "pipe"] });
    let stderr = "";
    proc.stderr?.on("data", (c: Buffer) => {
      stderr += c.toString();
    });
    this.current = { phase, file, proc };
    for (let i = 0; i < 100 && !existsSync(file) && running(proc); i++) await sleep(20);
    if (!running(proc)) throw new Error(`perf record stopped at once: ${stderr.trim()}`);
    // perf writes the header first, then takes a moment to list the running processes' mappings.
    await sleep(200);
  }

  /** Stops the recording of the current phase; `groups` are the processes to file it for. */
  async stop(groups: PerfGroup[]): Promise<void> {
    const cur = this.current;
    if (!cur) return;
    this.current = null;
    if (running(cur.proc)) {
      const exited = once(cur.proc, "exit");
      cur.proc.kill("SIGINT");
      const timer = setTimeout(() => cur.proc.kill("SIGKILL"), 30_000);
      await exited;
      clearTimeout(timer);
    }
    this.recorded.push({ phase: cur.phase, file: cur.file, groups });
  }

  /** Stops a recording still running (a failed run). */
  abort(): void {
    this.current?.proc.kill("SIGINT");
    this.current = null;
  }

  /**
   * Files every recorded phase by owner, writes `<phase>.perf-owners.txt` and deletes the
   * recordings (tens of MB a phase). Run it once the load is over: `perf script` takes CPU.
   */
  async summarise(): Promise<PerfPhase[]> {
    const out: PerfPhase[] = [];
    // The maps are complete once the run is over: each is read once for all phases.
    const lookups = new Map<string, (addr: number) => string | undefined>();
    for (const rec of this.recorded) {
      const size = await stat(rec.file).then((s) => s.size, () => 0);
      if (size === 0) continue;
      const wanted = new Set(rec.groups.flatMap((g) => g.pids));
      const samples = await readSamples(rec.file, wanted);
      // The maps of processes that have exited are still there, with every line the run wrote.
      perfMapLookups(samples, (path) => readFileSync(path, "utf8"), lookups);
      renameJitFrames(samples, lookups);
      const text: string[] = [`perf record -a -g -F 999 during "${rec.phase}"`, ""];
      const txt = `${phaseSlug(rec.phase)}.perf-owners.txt`;
      for (const group of rec.groups) {
        const pids = new Set(group.pids);
        const mine = samples.filter((s) => pids.has(s.pid));
        const table = ownerTable(mine);
        if (table.samples === 0) continue;
        text.push(`${group.name} (pids ${group.pids.join(", ")})`, renderOwnerTable(table));
        for (const row of table.rows.slice(0, 4)) {
          if (row.owner.startsWith("(no JS)")) continue;
          text.push("", `${row.owner}, by function (share of the group's samples):`);
          for (const f of ownerFunctions(mine, row.owner, 10)) text.push(`${pct(f.samples, table.samples).padStart(7)}  ${f.fn}`);
        }
        text.push("", "");
        out.push({
          phase: rec.phase,
          group: group.name,
          samples: table.samples,
          byKind: Object.fromEntries(LEAF_KINDS.map((k) => [k, round(table.byKind[k] / table.samples)])) as Record<LeafKind, number>,
          owners: table.rows.slice(0, 15).map((r) => ({ owner: r.owner, share: round(r.samples / table.samples) })),
          file: txt,
        });
      }
      await writeFile(join(this.dir, txt), `${text.join("\n")}\n`);
      await rm(rec.file, { force: true });
    }
    return out;
  }
}

/** `perf script` of a recording, keeping only the samples of `pids` (a sale's recording is large). */
async function readSamples(file: string, pids: ReadonlySet<number>): Promise<Sample[]> {
  const proc = spawn("perf", ["script", "-i", file, "-F", "pid,ip,sym,dso"], { stdio: ["ignore", "pipe", "ignore"] });
  const samples: Sample[] = [];
  let block: string[] = [];
  const flush = () => {
    if (block.length === 0) return;
    const pid = Number(/(\d+)\s*$/.exec(block[0] ?? "")?.[1]);
    if (pids.has(pid)) samples.push(...parsePerfScript(block.join("\n")));
    block = [];
  };
  const lines = createInterface({ input: proc.stdout as NodeJS.ReadableStream, crlfDelay: Number.POSITIVE_INFINITY });
  for await (const line of lines) {
    if (line.trim() === "") flush();
    else block.push(line);
  }
  flush();
  if (running(proc)) await once(proc, "exit");
  return samples;
}

function running(proc: ChildProcess): boolean {
  return proc.exitCode === null && proc.signalCode === null;
}

function pct(n: number, of: number): string {
  return `${((100 * n) / Math.max(1, of)).toFixed(1)} %`;
}

function round(x: number): number {
  return Math.round(x * 1000) / 1000;
}

/**
 * Who spends a Node process's CPU, from `perf` samples with call chains.
 *
 * V8's own profiler samples on a wall-clock timer and files time in the kernel under whatever
 * JavaScript called it; `perf record -g` counts only time on a CPU, but a flat list of its leaf
 * symbols (inline caches, promise builtins, the scavenger) says little about which part of the
 * program asked for them. This attributes each sample to the nearest JavaScript frame on its
 * stack (the module that frame's code belongs to: one of our packages, a dependency, a part of
 * node's library), and says what kind of code the leaf was: compiled JavaScript, a V8 builtin, C++,
 * the kernel, libc, the garbage collector or the optimising compiler. Samples with no JavaScript
 * on the stack (GC and compiler threads, the event loop waiting) are owned by their leaf's kind.
 *
 * Input: the text of `perf script -F pid,ip,sym,dso`, with JavaScript frames named by node's
 * `--perf-basic-prof` maps ("JS:*name file:line:col").
 *
 * perf names a JIT frame by the *first* line of the map that covers its address, but the map is
 * append-only and V8 reuses the memory of collected code for new code: a frame of node's
 * `writevGeneric` came out as the SSE writer's `stop`, whose earlier code had lived there, and
 * put 9 % of a status read's CPU under the wrong module. `renameJitFrames` names such frames
 * again from the maps with the *last* covering line instead (perfMapLookup).
 */

export type LeafKind = "jit" | "builtin" | "c++" | "kernel" | "libc" | "gc" | "compiler";
export const LEAF_KINDS: readonly LeafKind[] = ["jit", "builtin", "c++", "kernel", "libc", "gc", "compiler"];

export interface Frame {
  /** The instruction's address, when it fits a double exactly (JIT frames are looked up by it). */
  ip?: number;
  sym: string;
  dso: string;
}

export interface Sample {
  pid: number;
  /** Leaf first, as perf prints them. */
  frames: Frame[];
}

export interface OwnerRow {
  owner: string;
  samples: number;
  byKind: Record<LeafKind, number>;
}

export interface OwnerTable {
  samples: number;
  byKind: Record<LeafKind, number>;
  rows: OwnerRow[];
}

/** Samples of `perf script -F pid,ip,sym,dso` output: a header line with the pid, then frames. */
export function parsePerfScript(text: string): Sample[] {
  const samples: Sample[] = [];
  let current: Sample | null = null;
  for (const line of text.split("\n")) {
    if (line.trim() === "") {
      current = null;
      continue;
    }
    const frame = /^\s+([0-9a-f]+)\s+(.*?)\s+\(([^()]*)\)\s*$/.exec(line);
    if (frame && current) {
      const ip = Number.parseInt(frame[1] ?? "", 16);
      // Kernel addresses do not fit a double exactly; only JIT code (user space) is looked up.
      current.frames.push({ ...(Number.isSafeInteger(ip) ? { ip } : {}), sym: frame[2] ?? "", dso: frame[3] ?? "" });
      continue;
    }
    // A sample's header: "[comm] pid" (comm only when asked for); the pid is its last number.
    const pid = Number(/(\d+)\s*$/.exec(line)?.[1]);
    current = { pid: Number.isFinite(pid) ? pid : -1, frames: [] };
    samples.push(current);
  }
  return samples;
}

const GC = /Scaveng|Heap::|MarkCompact|ConcurrentMarking|Sweeper|GCTracer|MinorGC|MemoryAllocator|Evacuat|MarkingVisitor/;
const COMPILER = /compiler::|OptimizingCompile|Compiler::|Maglev|turboshaft|Turboshaft/;

export function leafKind(frame: Frame): LeafKind {
  const { sym, dso } = frame;
  if (dso.includes("kernel")) return "kernel";
  if (GC.test(sym)) return "gc";
  if (COMPILER.test(sym)) return "compiler";
  if (sym.startsWith("JS:")) return "jit";
  if (sym.startsWith("Builtins_")) return "builtin";
  if (/\blibc\b|libc[.-]/.test(dso)) return "libc";
  return "c++";
}

/**
 * The module a JavaScript frame's code belongs to: `api/http` for packages/api/dist/http/…,
 * `kafkajs` for node_modules/kafkajs/…, `node:http` for node's _http_* modules, and so on.
 */
export function ownerOf(sym: string): string {
  const pkg = /\/packages\/([^/]+)\/dist\/(?:([^/]+)\/)?/.exec(sym);
  if (pkg) return pkg[2] ? `${pkg[1]}/${pkg[2]}` : (pkg[1] ?? "js:other");
  const mod = /\/node_modules\/((?:@[^/]+\/)?[^/]+)\//.exec(sym);
  if (mod) return mod[1] ?? "js:other";
  const node = /\bnode:([\w/]+)/.exec(sym);
  if (node) {
    const name = node[1] ?? "";
    if (name.startsWith("_http") || name === "http") return "node:http";
    if (name.startsWith("internal/streams") || name === "stream") return "node:streams";
    if (name === "net" || name === "internal/stream_base_commons") return "node:net";
    if (name === "internal/process/task_queues" || name === "internal/timers" || name === "timers") return "node:ticks+timers";
    return "node:other";
  }
  return "js:other";
}

function zeroKinds(): Record<LeafKind, number> {
  return { jit: 0, builtin: 0, "c++": 0, kernel: 0, libc: 0, gc: 0, compiler: 0 };
}

/** Each sample's owner (its nearest JavaScript frame's module) by leaf kind, largest owner first. */
export function ownerTable(samples: readonly Sample[], pids?: ReadonlySet<number>): OwnerTable {
  const rows = new Map<string, OwnerRow>();
  const byKind = zeroKinds();
  let total = 0;
  for (const s of samples) {
    if (pids && !pids.has(s.pid)) continue;
    const leaf = s.frames[0];
    if (!leaf) continue;
    const kind = leafKind(leaf);
    const js = s.frames.find((f) => f.sym.startsWith("JS:"));
    const owner = js ? ownerOf(js.sym) : `(no JS) ${kind}`;
    let row = rows.get(owner);
    if (!row) {
      row = { owner, samples: 0, byKind: zeroKinds() };
      rows.set(owner, row);
    }
    row.samples++;
    row.byKind[kind]++;
    byKind[kind]++;
    total++;
  }
  return { samples: total, byKind, rows: [...rows.values()].sort((a, b) => b.samples - a.samples) };
}

/** The table as text: each owner's share of all samples, and of it, each leaf kind's. */
export function renderOwnerTable(table: OwnerTable, minShare = 0.001): string {
  const pct = (n: number) => `${((100 * n) / Math.max(1, table.samples)).toFixed(1)} %`;
  const lines = [`${table.samples} samples`, `by leaf: ${LEAF_KINDS.map((k) => `${k} ${pct(table.byKind[k])}`).join(", ")}`, ""];
  const width = Math.max(24, ...table.rows.map((r) => r.owner.length + 2));
  lines.push(`${"owner (nearest JS frame)".padEnd(width)}${"share".padStart(8)}   of it, by leaf`);
  for (const row of table.rows) {
    if (row.samples / Math.max(1, table.samples) < minShare) continue;
    const parts = LEAF_KINDS.filter((k) => row.byKind[k] > 0).map((k) => `${k} ${pct(row.byKind[k])}`);
    lines.push(`${row.owner.padEnd(width)}${pct(row.samples).padStart(8)}   ${parts.join(", ")}`);
  }
  return lines.join("\n");
}

/**
 * The functions (nearest JavaScript frames, `name file:line`) that own `owner`'s samples, most
 * samples first: what to read next once the owner table points at a module.
 */
export function ownerFunctions(samples: readonly Sample[], owner: string, top = 20): { fn: string; samples: number }[] {
  const counts = new Map<string, number>();
  for (const s of samples) {
    const js = s.frames.find((f) => f.sym.startsWith("JS:"));
    if (!js || ownerOf(js.sym) !== owner) continue;
    // "JS:*name file:///…/packages/api/dist/http/sse.js:141:22" → "name …/http/sse.js:141"
    const fn = js.sym.replace(/^JS:[*^~+]?/, "").replace(/(file:\/\/)?\/\S*\/(packages|node_modules)\//, "$2/").replace(/:\d+$/, "");
    counts.set(fn, (counts.get(fn) ?? 0) + 1);
  }
  return [...counts.entries()]
    .map(([fn, n]) => ({ fn, samples: n }))
    .sort((a, b) => b.samples - a.samples)
    .slice(0, top);
}

/** A perf map file's dso as perf prints it: `/tmp/perf-<pid>.map`. */
const PERF_MAP = /(^|\/)perf-\d+\.map$/;

export function isPerfMap(dso: string): boolean {
  return PERF_MAP.test(dso);
}

/**
 * Looks addresses up in the text of a `perf-<pid>.map` ("<start hex> <size hex> <name>" per line):
 * of the lines covering an address, the last one written wins, since V8 writes a line for each
 * piece of code it makes and later code may take the place of collected code. A sample taken
 * before such a reuse is then misnamed instead; in a phase long after start-up that is the rarer case.
 */
export function perfMapLookup(text: string): (addr: number) => string | undefined {
  const entries: { start: number; end: number; name: string; order: number }[] = [];
  for (const line of text.split("\n")) {
    const m = /^([0-9a-fA-F]+) ([0-9a-fA-F]+) (.*)$/.exec(line);
    if (!m) continue;
    const start = Number.parseInt(m[1] ?? "", 16);
    const size = Number.parseInt(m[2] ?? "", 16);
    if (!Number.isFinite(start) || !(size > 0)) continue;
    entries.push({ start, end: start + size, name: m[3] ?? "", order: entries.length });
  }
  entries.sort((a, b) => a.start - b.start || a.order - b.order);
  const maxSize = entries.reduce((max, e) => Math.max(max, e.end - e.start), 0);
  const cache = new Map<number, string | undefined>();
  return (addr) => {
    if (cache.has(addr)) return cache.get(addr);
    // The last entry starting at or before addr, then back over those that could still cover it.
    let lo = 0;
    let hi = entries.length - 1;
    let at = -1;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      if ((entries[mid]?.start ?? 0) <= addr) {
        at = mid;
        lo = mid + 1;
      } else {
        hi = mid - 1;
      }
    }
    let best: (typeof entries)[number] | undefined;
    for (let i = at; i >= 0; i--) {
      const e = entries[i];
      if (!e || e.start < addr - maxSize) break;
      if (addr < e.end && (!best || e.order > best.order)) best = e;
    }
    cache.set(addr, best?.name);
    return best?.name;
  };
}

/**
 * A lookup (perfMapLookup) for every perf map the samples' frames name, read with `read` (a
 * file's text); a map that cannot be read is listed in `unreadable` and its frames keep perf's names.
 * Maps already in `lookups` (from an earlier call over other samples of the same run) are not read again.
 */
export function perfMapLookups(
  samples: readonly Sample[],
  read: (path: string) => string,
  lookups = new Map<string, (addr: number) => string | undefined>(),
): { lookups: Map<string, (addr: number) => string | undefined>; unreadable: string[] } {
  const unreadable: string[] = [];
  for (const s of samples) {
    for (const f of s.frames) {
      if (!isPerfMap(f.dso) || lookups.has(f.dso) || unreadable.includes(f.dso)) continue;
      try {
        lookups.set(f.dso, perfMapLookup(read(f.dso)));
      } catch {
        unreadable.push(f.dso);
      }
    }
  }
  return { lookups, unreadable };
}

/**
 * Names the JIT frames of `samples` again from their perf maps (`lookups` by dso, e.g. from
 * perfMapLookup); frames of a map not given, or at an address no line covers, keep perf's name.
 * Returns how many frames were looked up and how many of those got another name.
 */
export function renameJitFrames(
  samples: readonly Sample[],
  lookups: ReadonlyMap<string, (addr: number) => string | undefined>,
): { looked: number; renamed: number } {
  let looked = 0;
  let renamed = 0;
  for (const s of samples) {
    for (const f of s.frames) {
      if (f.ip === undefined || !Number.isFinite(f.ip)) continue;
      const lookup = lookups.get(f.dso);
      if (!lookup) continue;
      looked++;
      const name = lookup(f.ip);
      if (name !== undefined && name !== f.sym) {
        f.sym = name;
        renamed++;
      }
    }
  }
  return { looked, renamed };
}

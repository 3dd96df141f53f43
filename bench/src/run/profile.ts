import { readdir, readFile } from "node:fs/promises";
import { join } from "node:path";

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
}

interface CpuProfile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
  startTime: number;
  endTime: number;
}

export interface ProfileSummary {
  file: string;
  totalMs: number;
  /** Share of samples that were not idle. */
  busyMs: number;
  /** Self time by component (a package, our own code, node internals, GC, idle). */
  byComponent: { component: string; ms: number; share: number }[];
  /** Self time by function. */
  top: { fn: string; where: string; ms: number; share: number }[];
}

/** Which part of the system a function belongs to, from its script URL. */
export function componentOf(url: string, fn: string): string {
  if (fn === "(idle)") return "(idle)";
  if (fn === "(garbage collector)") return "(gc)";
  if (fn === "(program)") return "(program: native, not JS)";
  if (!url) return "(native)";
  if (url.startsWith("node:")) return "node internals";
  const nm = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url);
  if (nm) return nm[1] as string;
  const ours = /\/(packages|apps)\/([^/]+)\//.exec(url);
  if (ours) return `@quickdeal/${ours[2]}`;
  return "other";
}

/** Self time per function and per component of one .cpuprofile (written by node --cpu-prof). */
export function summarise(profile: CpuProfile, file: string, top = 15): ProfileSummary {
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const self = new Map<number, number>();
  for (const [i, id] of profile.samples.entries()) self.set(id, (self.get(id) ?? 0) + (profile.timeDeltas[i] ?? 0));
  const fns = new Map<string, { fn: string; where: string; us: number }>();
  const comps = new Map<string, number>();
  let total = 0;
  let idle = 0;
  for (const [id, us] of self) {
    const n = byId.get(id);
    if (!n) continue;
    const { functionName, url, lineNumber } = n.callFrame;
    const fn = functionName || "(anonymous)";
    total += us;
    if (fn === "(idle)") idle += us;
    const comp = componentOf(url, fn);
    comps.set(comp, (comps.get(comp) ?? 0) + us);
    const where = url ? `${url.replace(/^.*\/(node_modules|packages|apps)\//, "$1/")}:${lineNumber + 1}` : "";
    const key = `${fn}@${where}`;
    const f = fns.get(key) ?? { fn, where, us: 0 };
    f.us += us;
    fns.set(key, f);
  }
  const busy = Math.max(1, total - idle);
  return {
    file,
    totalMs: Math.round(total / 1000),
    busyMs: Math.round(busy / 1000),
    byComponent: [...comps.entries()]
      .filter(([c]) => c !== "(idle)")
      .map(([component, us]) => ({ component, ms: Math.round(us / 1000), share: Math.round((us / busy) * 1000) / 10 }))
      .sort((a, b) => b.ms - a.ms),
    top: [...fns.values()]
      .filter((f) => f.fn !== "(idle)")
      .sort((a, b) => b.us - a.us)
      .slice(0, top)
      .map((f) => ({ fn: f.fn, where: f.where, ms: Math.round(f.us / 1000), share: Math.round((f.us / busy) * 1000) / 10 })),
  };
}

export async function summariseDir(dir: string): Promise<ProfileSummary[]> {
  let files: string[];
  try {
    files = (await readdir(dir)).filter((f) => f.endsWith(".cpuprofile"));
  } catch {
    return [];
  }
  const out: ProfileSummary[] = [];
  for (const f of files) {
    const profile = JSON.parse(await readFile(join(dir, f), "utf8")) as CpuProfile;
    out.push(summarise(profile, f));
  }
  // The busiest processes first: the cluster primary and idle helpers say little.
  return out.sort((a, b) => b.busyMs - a.busyMs);
}

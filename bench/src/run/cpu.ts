import { readdirSync, readFileSync } from "node:fs";

/**
 * CPU time per process group, read from /proc. On a machine shared with colleagues a throughput
 * figure depends on what else runs; the CPU each request costs (API, Redis, Kafka, MySQL, worker)
 * hardly does, so every phase also reports it.
 */
const TICK_MS = 10; // Linux reports process times in USER_HZ = 100 ticks per second.

export function cpuMs(pid: number): number {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    // Fields after the command name (which may contain spaces) start at ") ".
    const f = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    return (Number(f[11]) + Number(f[12])) * TICK_MS;
  } catch {
    return 0;
  }
}

export interface MachineTimes {
  /** Busy CPU of all cores, ms: anyone's work, time the host took (steal) included. */
  busy: number;
  total: number;
  /**
   * Time the hypervisor ran something else while this guest had work (steal), ms: on a shared
   * virtual machine a phase that lost much of it measured a slower machine, not slower code.
   */
  stolen: number;
}

/** The whole machine's CPU times from the first ("cpu") line of /proc/stat. */
export function parseProcStat(text: string): MachineTimes {
  const line = text.split("\n")[0] ?? "";
  const v = line.trim().split(/\s+/).slice(1).map(Number);
  const [user = 0, nice = 0, system = 0, idle = 0, iowait = 0, irq = 0, softirq = 0, steal = 0] = v;
  const busy = user + nice + system + irq + softirq + steal;
  return { busy: busy * TICK_MS, total: (busy + idle + iowait) * TICK_MS, stolen: steal * TICK_MS };
}

/** Busy, total and stolen CPU time of the whole machine (all cores), ms. */
export function machineMs(): MachineTimes {
  return parseProcStat(readFileSync("/proc/stat", "utf8"));
}

/** Pids whose command line matches (services the bench did not start, read-only). */
export function pidsMatching(re: RegExp): number[] {
  const out: number[] = [];
  for (const d of readdirSync("/proc")) {
    if (!/^\d+$/.test(d)) continue;
    try {
      if (re.test(readFileSync(`/proc/${d}/cmdline`, "utf8").replace(/\0/g, " "))) out.push(Number(d));
    } catch {
      // gone
    }
  }
  return out;
}

export interface CpuSnapshot {
  at: number;
  byGroup: Record<string, number>;
  machine: MachineTimes;
}

export interface CpuUse {
  seconds: number;
  /** CPU seconds per group over the interval. */
  byGroup: Record<string, number>;
  machineBusySec: number;
  /** Busy CPU not accounted to any group: other tenants of the machine (the host's steal included). */
  otherSec: number;
  /** CPU the host took while this machine had work (steal), seconds over all cores. */
  stolenSec: number;
  cores: number;
}

export class CpuMeter {
  constructor(private readonly groups: () => Record<string, number[]>) {}

  snapshot(): CpuSnapshot {
    const byGroup: Record<string, number> = {};
    for (const [label, pids] of Object.entries(this.groups())) byGroup[label] = pids.reduce((s, p) => s + cpuMs(p), 0);
    return { at: Date.now(), byGroup, machine: machineMs() };
  }

  static diff(a: CpuSnapshot, b: CpuSnapshot, cores: number): CpuUse {
    const byGroup: Record<string, number> = {};
    let ours = 0;
    for (const [k, v] of Object.entries(b.byGroup)) {
      // A process that exited between the snapshots would count negative: clamp.
      const d = Math.max(0, v - (a.byGroup[k] ?? 0)) / 1000;
      byGroup[k] = Math.round(d * 100) / 100;
      ours += d;
    }
    const busy = (b.machine.busy - a.machine.busy) / 1000;
    const stolen = Math.max(0, b.machine.stolen - a.machine.stolen) / 1000;
    return {
      seconds: Math.round((b.at - a.at) / 10) / 100,
      byGroup,
      machineBusySec: Math.round(busy * 100) / 100,
      otherSec: Math.round(Math.max(0, busy - ours) * 100) / 100,
      stolenSec: Math.round(stolen * 100) / 100,
      cores,
    };
  }
}

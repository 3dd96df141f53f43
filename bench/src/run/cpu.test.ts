import { describe, expect, it } from "vitest";
import { CpuMeter, type CpuSnapshot, parseProcStat } from "./cpu.js";

// /proc/stat's first line: user nice system idle iowait irq softirq steal guest guest_nice (ticks).
const stat = (user: number, idle: number, steal: number) =>
  `cpu  ${user} 0 ${user / 10} ${idle} 5 0 ${user / 20} ${steal} 0 0\ncpu0 1 2 3 4 5 6 7 8 0 0\n`;

describe("machine CPU times", () => {
  it("reads busy, total and the host's steal from the cpu line", () => {
    const t = parseProcStat(stat(1000, 4000, 300));
    // busy = user + nice + system + irq + softirq + steal; total adds idle and iowait.
    expect(t.busy).toBe((1000 + 100 + 50 + 300) * 10);
    expect(t.total).toBe((1000 + 100 + 50 + 300 + 4000 + 5) * 10);
    expect(t.stolen).toBe(300 * 10);
  });

  it("puts the steal between two snapshots in the phase, apart from the groups' own CPU", () => {
    const a: CpuSnapshot = { at: 0, byGroup: { api: 1_000 }, machine: parseProcStat(stat(1000, 4000, 300)) };
    const b: CpuSnapshot = { at: 2_000, byGroup: { api: 2_500 }, machine: parseProcStat(stat(1200, 4100, 340)) };
    const use = CpuMeter.diff(a, b, 2);
    expect(use.seconds).toBe(2);
    expect(use.byGroup.api).toBe(1.5);
    // 200 user + 20 system + 10 softirq + 40 steal ticks = 2.7 s busy; 0.4 s of it the host took.
    expect(use.machineBusySec).toBe(2.7);
    expect(use.stolenSec).toBe(0.4);
    expect(use.otherSec).toBe(1.2);
  });

  it("ignores a kernel that reports no steal column", () => {
    expect(parseProcStat("cpu  10 0 2 50 1 0 1\n").stolen).toBe(0);
  });
});

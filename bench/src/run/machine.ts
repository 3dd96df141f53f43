import { availableParallelism, cpus, loadavg, release, totalmem } from "node:os";
import { fileURLToPath } from "node:url";

/** The repository root (this file is bench/{src,dist}/run/machine.*). */
export const ROOT = fileURLToPath(new URL("../../../", import.meta.url));

export interface Machine {
  cpu: string;
  cores: number;
  memoryGb: number;
  kernel: string;
  node: string;
}

export function machine(): Machine {
  return {
    cpu: cpus()[0]?.model.trim() ?? "?",
    cores: availableParallelism(),
    memoryGb: Math.round(totalmem() / 2 ** 30),
    kernel: release(),
    node: process.version,
  };
}

/** 1-minute load average: the machine is shared, figures taken while it was busy mean less. */
export function load1(): number {
  return Math.round((loadavg()[0] ?? 0) * 100) / 100;
}

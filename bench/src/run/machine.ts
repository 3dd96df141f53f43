import { execFileSync } from "node:child_process";
import { statSync } from "node:fs";
import { availableParallelism, cpus, loadavg, release, totalmem } from "node:os";
import { join } from "node:path";
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

export interface CodeVersion {
  commit: string;
  /** Uncommitted changes in the measured packages' sources (the dist may include them). */
  uncommitted: string[];
  /** When the measured builds were made (the bench runs the dist, not the sources). */
  apiBuiltAt: string | null;
  queueBuiltAt: string | null;
}

/** Which code a run measured: colleagues change the API and the queue between runs. */
export function codeVersion(): CodeVersion {
  const git = (...args: string[]) => {
    try {
      return execFileSync("git", args, { cwd: ROOT, encoding: "utf8", stdio: ["ignore", "pipe", "ignore"] }).trim();
    } catch {
      return "";
    }
  };
  const builtAt = (file: string) => {
    try {
      return statSync(join(ROOT, file)).mtime.toISOString();
    } catch {
      return null;
    }
  };
  return {
    commit: git("rev-parse", "--short", "HEAD") || "?",
    uncommitted: git("status", "--porcelain", "--", "packages/api/src", "packages/queue/src", "packages/db/src").split("\n").filter(Boolean),
    apiBuiltAt: builtAt("packages/api/dist/server.js"),
    queueBuiltAt: builtAt("packages/queue/dist/queue.js"),
  };
}

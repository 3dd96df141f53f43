import { type ChildProcess, spawn } from "node:child_process";
import { once } from "node:events";
import { createWriteStream, readdirSync, readFileSync, readlinkSync } from "node:fs";
import { createServer } from "node:net";
import { setTimeout as sleep } from "node:timers/promises";

/** A process this bench started (and is the only one allowed to stop). */
export interface Proc {
  name: string;
  child: ChildProcess;
  pid: number;
  exited: Promise<number | null>;
}

/** Starts `node <args>` with its output appended to a log file. */
export function startNode(name: string, args: string[], env: Record<string, string | undefined>, logFile: string): Proc {
  const log = createWriteStream(logFile, { flags: "a" });
  const child = spawn(process.execPath, args, { env, stdio: ["ignore", "pipe", "pipe"] });
  child.stdout?.pipe(log);
  child.stderr?.pipe(log);
  if (child.pid === undefined) throw new Error(`${name} did not start`);
  const exited = once(child, "exit").then(([code]) => code as number | null);
  return { name, child, pid: child.pid, exited };
}

/** SIGTERM, then SIGKILL after `graceMs` (only ever our own child). */
export async function stop(proc: Proc, graceMs = 20_000): Promise<void> {
  if (proc.child.exitCode !== null || proc.child.signalCode !== null) return;
  proc.child.kill("SIGTERM");
  const done = await Promise.race([proc.exited.then(() => true), sleep(graceMs).then(() => false)]);
  if (!done) {
    proc.child.kill("SIGKILL");
    await proc.exited;
  }
}

export async function freePort(): Promise<number> {
  const srv = createServer();
  srv.listen(0, "127.0.0.1");
  await once(srv, "listening");
  const addr = srv.address();
  const port = typeof addr === "object" && addr ? addr.port : 0;
  srv.close();
  await once(srv, "close");
  return port;
}

/**
 * A block of `count` consecutive free loopback ports below the kernel's ephemeral range (32768 and
 * up here). A clustered process's inspector takes port P and its workers P+1, P+2…: with P from
 * port 0, the next socket anyone opened often took P+1 first, and that worker went unprofiled.
 */
export async function freePortBlock(count: number, from = 20_000, to = 32_000): Promise<number> {
  for (let attempt = 0; attempt < 50; attempt++) {
    const base = from + Math.floor(Math.random() * (to - from - count));
    const servers = [];
    let ok = true;
    for (let p = base; p < base + count && ok; p++) {
      const srv = createServer();
      ok = await new Promise<boolean>((resolve) => {
        srv.once("listening", () => resolve(true));
        srv.once("error", () => resolve(false));
        srv.listen(p, "127.0.0.1");
      });
      servers.push(srv);
    }
    await Promise.all(servers.map((srv) => (srv.listening ? new Promise((r) => srv.close(r)) : undefined)));
    if (ok) return base;
  }
  throw new Error(`no block of ${count} free ports between ${from} and ${to}`);
}

/** Polls a URL until it answers 200 (or the process died / time ran out). */
export async function waitForHttp(url: string, timeoutMs: number, proc?: Proc): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let last = "";
  while (Date.now() < deadline) {
    if (proc && (proc.child.exitCode !== null || proc.child.signalCode !== null)) {
      throw new Error(`${proc.name} exited (${proc.child.exitCode ?? proc.child.signalCode}) before ${url} answered`);
    }
    try {
      const res = await fetch(url, { signal: AbortSignal.timeout(3000) });
      last = `${res.status} ${(await res.text()).slice(0, 300)}`;
      if (res.status === 200) return;
    } catch (err) {
      last = (err as Error).message;
    }
    await sleep(200);
  }
  throw new Error(`${url} did not answer 200 within ${timeoutMs} ms (last: ${last})`);
}

/** Direct children of a process (a cluster primary's workers). */
export function childrenOf(pid: number): number[] {
  try {
    return readFileSync(`/proc/${pid}/task/${pid}/children`, "utf8")
      .trim()
      .split(/\s+/)
      .filter(Boolean)
      .map(Number);
  } catch {
    return [];
  }
}

export interface MemStatus {
  rssBytes: number;
  /** Peak resident set size so far (the kernel's high-water mark). */
  hwmBytes: number;
}

export function memStatus(pid: number): MemStatus | null {
  try {
    const text = readFileSync(`/proc/${pid}/status`, "utf8");
    const kb = (field: string) => Number(new RegExp(`^${field}:\\s+(\\d+) kB`, "m").exec(text)?.[1] ?? 0) * 1024;
    return { rssBytes: kb("VmRSS"), hwmBytes: kb("VmHWM") };
  } catch {
    return null;
  }
}

/**
 * Samples the resident memory of the bench's processes (and a cluster primary's workers) once a
 * second and keeps each one's peak; the kernel's VmHWM is read too, so short spikes count.
 */
export class RssTracker {
  private peaks = new Map<string, number>();
  private timer: NodeJS.Timeout | null = null;
  private watched: { label: string; pid: number; withChildren: boolean }[] = [];

  watch(label: string, pid: number, withChildren = false): void {
    this.watched.push({ label, pid, withChildren });
  }

  start(): void {
    this.timer = setInterval(() => this.sample(), 1000);
    this.timer.unref();
  }

  sample(): void {
    for (const w of this.watched) {
      this.note(w.label, w.pid);
      if (!w.withChildren) continue;
      for (const [i, pid] of childrenOf(w.pid).entries()) this.note(`${w.label} worker ${i + 1}`, pid);
    }
  }

  private note(label: string, pid: number): void {
    const m = memStatus(pid);
    if (!m) return;
    this.peaks.set(label, Math.max(this.peaks.get(label) ?? 0, m.hwmBytes, m.rssBytes));
  }

  stop(): Record<string, number> {
    if (this.timer) clearInterval(this.timer);
    this.sample();
    return Object.fromEntries(this.peaks);
  }
}

/** Open sockets of a process (an API worker's SSE streams are one socket each). */
export function socketCount(pid: number): number {
  let n = 0;
  try {
    for (const fd of readdirSync(`/proc/${pid}/fd`)) {
      try {
        if (readlinkSync(`/proc/${pid}/fd/${fd}`).startsWith("socket:")) n++;
      } catch {
        // closed meanwhile
      }
    }
  } catch {
    return 0;
  }
  return n;
}

/**
 * How many of `pids` hold a socket listening on `port` (Linux /proc): a cluster worker gets the
 * shared listening socket only once it calls listen(), so this counts the workers that serve.
 * `port` may be a test instead: any listening socket whose port passes it.
 */
export function listeningCount(port: number | ((port: number) => boolean), pids: number[]): number {
  const wanted = typeof port === "number" ? (p: number) => p === port : port;
  const inodes = new Set<string>();
  for (const table of ["/proc/net/tcp", "/proc/net/tcp6"]) {
    let text: string;
    try {
      text = readFileSync(table, "utf8");
    } catch {
      continue;
    }
    for (const line of text.split("\n").slice(1)) {
      const f = line.trim().split(/\s+/);
      // local_address is HEXIP:HEXPORT, st 0A is LISTEN, the inode is the 10th field
      const local = f[1];
      if (local === undefined || f[3] !== "0A") continue;
      if (wanted(Number.parseInt(local.slice(local.indexOf(":") + 1), 16)) && f[9]) inodes.add(`socket:[${f[9]}]`);
    }
  }
  let n = 0;
  for (const pid of pids) {
    try {
      const holds = readdirSync(`/proc/${pid}/fd`).some((fd) => {
        try {
          return inodes.has(readlinkSync(`/proc/${pid}/fd/${fd}`));
        } catch {
          return false;
        }
      });
      if (holds) n++;
    } catch {
      // gone
    }
  }
  return n;
}

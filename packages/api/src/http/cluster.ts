import cluster, { type Worker } from "node:cluster";
import { availableParallelism } from "node:os";
import { keepKnownV8Flags } from "./v8-flags.js";

/** What a worker started: closed gracefully on shutdown. */
export interface Stoppable {
  close(): Promise<void> | void;
}

export interface ClusterOptions {
  /** How long workers get to finish in-flight requests before they are killed. */
  shutdownTimeoutMs?: number;
  log?: (message: string) => void;
  /**
   * Node/V8 flags for the workers, after the primary's own (e.g. heap sizes). A V8 flag this
   * Node's V8 does not know is dropped with a log line: the worker would not start with it.
   */
  execArgv?: string[];
  /**
   * Who accepts connections: the primary, passing each to the next worker over IPC (node:cluster's
   * default round robin), or the workers themselves from the shared listening socket.
   */
  accept?: "primary" | "workers";
}

const SHUTDOWN = "quickdeal:shutdown";
// Restarts faster than this mean a worker dies at start-up: back off instead of spinning.
const CRASH_WINDOW_MS = 10_000;
const MAX_BACKOFF_MS = 30_000;

/**
 * Runs `startWorker` in `workers` processes (one per core by default) with node:cluster; the
 * workers share the listening socket. A worker that dies is replaced (with back-off when it keeps
 * dying); SIGTERM/SIGINT shut all workers down gracefully.
 * In the primary it returns after forking; in a worker it starts the worker.
 */
export function runClustered(
  workers: number | undefined,
  startWorker: () => Promise<Stoppable> | Stoppable,
  opts: ClusterOptions = {},
): void {
  const log = opts.log ?? ((message: string) => console.error(message));
  const shutdownTimeoutMs = opts.shutdownTimeoutMs ?? 15_000;
  if (cluster.isPrimary) {
    // Frozen at the first fork; the workers inherit it.
    if (opts.accept === "workers") cluster.schedulingPolicy = cluster.SCHED_NONE;
    const execArgv = keepKnownV8Flags(opts.execArgv ?? [], log);
    if (execArgv.length) cluster.setupPrimary({ execArgv: [...process.execArgv, ...execArgv] });
    runPrimary(Math.max(1, workers ?? availableParallelism()), shutdownTimeoutMs, log);
  } else {
    void runWorker(startWorker, shutdownTimeoutMs, log);
  }
}

function runPrimary(count: number, shutdownTimeoutMs: number, log: (message: string) => void): void {
  let stopping = false;
  let recentCrashes = 0;
  let lastCrashAt = 0;

  const fork = () => {
    const worker = cluster.fork();
    worker.on("error", (err) => log(`worker ${worker.process.pid} error: ${err.message}`));
  };

  cluster.on("exit", (worker: Worker, code, signal) => {
    if (stopping) return;
    const now = Date.now();
    recentCrashes = now - lastCrashAt < CRASH_WINDOW_MS ? recentCrashes + 1 : 1;
    lastCrashAt = now;
    const delay = recentCrashes <= 1 ? 0 : Math.min(MAX_BACKOFF_MS, 250 * 2 ** (recentCrashes - 2));
    log(`worker ${worker.process.pid} exited (${signal ?? code}); restarting in ${delay} ms`);
    setTimeout(fork, delay);
  });

  const shutdown = (signal: NodeJS.Signals) => {
    if (stopping) return;
    stopping = true;
    log(`${signal}: stopping ${Object.keys(cluster.workers ?? {}).length} workers`);
    const live = Object.values(cluster.workers ?? {}).filter((w): w is Worker => w !== undefined);
    for (const worker of live) {
      if (worker.isConnected()) worker.send(SHUTDOWN);
      else worker.process.kill("SIGTERM");
    }
    const killer = setTimeout(() => {
      for (const worker of live) if (!worker.isDead()) worker.process.kill("SIGKILL");
    }, shutdownTimeoutMs + 1_000);
    killer.unref();
  };
  process.on("SIGTERM", shutdown);
  process.on("SIGINT", shutdown);

  for (let i = 0; i < count; i++) fork();
}

async function runWorker(
  startWorker: () => Promise<Stoppable> | Stoppable,
  shutdownTimeoutMs: number,
  log: (message: string) => void,
): Promise<void> {
  let stopping = false;
  let started: Stoppable | undefined;
  const stop = async () => {
    if (stopping) return;
    stopping = true;
    const timer = setTimeout(() => process.exit(1), shutdownTimeoutMs);
    timer.unref();
    try {
      await started?.close();
      process.exit(0);
    } catch (err) {
      log(`worker ${process.pid} failed to close: ${(err as Error).message}`);
      process.exit(1);
    }
  };
  process.on("message", (message) => {
    if (message === SHUTDOWN) void stop();
  });
  // Ctrl-C reaches every process of the group: the primary coordinates, workers just close.
  process.on("SIGTERM", () => void stop());
  process.on("SIGINT", () => void stop());
  try {
    started = await startWorker();
  } catch (err) {
    log(`worker ${process.pid} failed to start: ${(err as Error).stack ?? String(err)}`);
    process.exit(1);
  }
  if (stopping) await started?.close();
}

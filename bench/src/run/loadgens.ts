import { type ChildProcess, fork } from "node:child_process";
import { once } from "node:events";
import { createWriteStream } from "node:fs";
import { fileURLToPath } from "node:url";
import type { FromLoadgen, LoadgenConfig, PhaseRequest, PhaseResult, ToLoadgen } from "../loadgen/protocol.js";

const ENTRY = fileURLToPath(new URL("../loadgen/main.js", import.meta.url));

/** The load-generator processes: each owns a share of the shoppers; phases run on all at once. */
export class Loadgens {
  private nextId = 1;
  private waiting = new Map<number, { resolve: (r: PhaseResult) => void; reject: (e: Error) => void; left: number; results: PhaseResult[] }>();

  private constructor(readonly children: ChildProcess[]) {
    for (const child of children) {
      child.on("message", (msg: FromLoadgen) => this.onMessage(msg));
      child.on("exit", (code) => {
        for (const w of this.waiting.values()) w.reject(new Error(`a load generator exited (${code}) during a phase`));
        this.waiting.clear();
      });
    }
  }

  static async start(
    count: number,
    base: Omit<LoadgenConfig, "index" | "shoppers" | "connections">,
    shoppers: number,
    connections: number,
    logFile: string,
    nodeArgs: readonly string[] = [],
  ): Promise<Loadgens> {
    const log = createWriteStream(logFile, { flags: "a" });
    const children: ChildProcess[] = [];
    for (let i = 0; i < count; i++) {
      // More heap than the default: 10,000 SSE streams and their buffers live in one generator.
      const child = fork(ENTRY, [], { stdio: ["ignore", "pipe", "pipe", "ipc"], execArgv: ["--max-old-space-size=2048", ...nodeArgs] });
      child.stdout?.pipe(log);
      child.stderr?.pipe(log);
      const share = (n: number) => Math.floor(n / count) + (i < n % count ? 1 : 0);
      const config: LoadgenConfig = { ...base, index: i, shoppers: share(shoppers), connections: Math.max(1, share(connections)) };
      const ready = once(child, "message");
      child.send({ type: "init", config } satisfies ToLoadgen);
      await ready;
      children.push(child);
    }
    return new Loadgens(children);
  }

  get pids(): number[] {
    return this.children.map((c) => c.pid ?? 0);
  }

  private onMessage(msg: FromLoadgen): void {
    if (msg.type === "ready") return;
    const w = this.waiting.get(msg.id);
    if (!w) return;
    if (msg.type === "failed") {
      this.waiting.delete(msg.id);
      w.reject(new Error(`load generator failed: ${msg.error}`));
      return;
    }
    w.results.push(msg.result);
    if (--w.left === 0) {
      this.waiting.delete(msg.id);
      w.resolve(msg.result);
    }
  }

  /** Runs a phase on every generator at once; resolves with each one's result. */
  run(req: PhaseRequest): Promise<PhaseResult[]> {
    const id = this.nextId++;
    return new Promise<PhaseResult[]>((resolve, reject) => {
      const results: PhaseResult[] = [];
      this.waiting.set(id, { resolve: () => resolve(results), reject, left: this.children.length, results });
      for (const c of this.children) c.send({ type: "run", id, ...req } as ToLoadgen);
    });
  }

  async exit(): Promise<void> {
    await Promise.all(
      this.children.map(async (c) => {
        if (c.exitCode !== null) return;
        const exited = once(c, "exit");
        c.send({ type: "exit" } satisfies ToLoadgen);
        await Promise.race([exited, new Promise((r) => setTimeout(r, 5000))]);
        if (c.exitCode === null) c.kill("SIGKILL");
      }),
    );
  }
}

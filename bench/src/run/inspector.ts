import { readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { WebSocket } from "undici";
import { type ProfileSummary, summarise } from "./profile.js";

/** A minimal Chrome DevTools Protocol client over the inspector's WebSocket. */
class CdpSession {
  private nextId = 1;
  private pending = new Map<number, { resolve: (v: unknown) => void; reject: (e: Error) => void }>();

  private constructor(private readonly ws: WebSocket) {
    ws.addEventListener("message", (ev) => {
      const msg = JSON.parse(String(ev.data)) as { id?: number; result?: unknown; error?: { message: string } };
      if (msg.id === undefined) return;
      const p = this.pending.get(msg.id);
      if (!p) return;
      this.pending.delete(msg.id);
      if (msg.error) p.reject(new Error(msg.error.message));
      else p.resolve(msg.result);
    });
  }

  static connect(url: string): Promise<CdpSession> {
    return new Promise((resolve, reject) => {
      const ws = new WebSocket(url);
      ws.addEventListener("open", () => resolve(new CdpSession(ws)), { once: true });
      ws.addEventListener("error", () => reject(new Error(`cannot reach the inspector at ${url}`)), { once: true });
    });
  }

  send<T>(method: string, params: Record<string, unknown> = {}): Promise<T> {
    const id = this.nextId++;
    return new Promise<T>((resolve, reject) => {
      this.pending.set(id, { resolve: resolve as (v: unknown) => void, reject });
      this.ws.send(JSON.stringify({ id, method, params }));
    });
  }

  close(): void {
    this.ws.close();
  }
}

/**
 * CPU profiles per phase: the API and worker processes run with `--inspect=127.0.0.1:0` (loopback
 * only, bench runs with --profile only); the bench attaches to every process that printed an
 * inspector URL and starts/stops the V8 sampling profiler around each phase, so joins, status
 * reads, SSE fan-out and checkout each get their own profile instead of one blur over the run.
 */
export class PhaseProfiler {
  private sessions: { label: string; session: CdpSession }[] = [];

  constructor(private readonly outDir: string) {}

  /** Attaches to the inspectors announced in the processes' logs (waits until `expected` are found). */
  async attach(logs: { label: string; file: string }[], expected: number, timeoutMs = 20_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    let found: { label: string; url: string }[] = [];
    while (Date.now() < deadline) {
      found = [];
      for (const { label, file } of logs) {
        const text = await readFile(file, "utf8").catch(() => "");
        for (const m of text.matchAll(/Debugger listening on (ws:\/\/127\.0\.0\.1:\d+\/[0-9a-f-]+)/g)) found.push({ label, url: m[1] as string });
      }
      if (found.length >= expected) break;
      await sleep(200);
    }
    for (const [i, f] of found.entries()) {
      const session = await CdpSession.connect(f.url);
      await session.send("Profiler.enable");
      await session.send("Profiler.setSamplingInterval", { interval: 500 });
      this.sessions.push({ label: `${f.label}#${i}`, session });
    }
  }

  get attached(): number {
    return this.sessions.length;
  }

  async start(): Promise<void> {
    await Promise.all(this.sessions.map((s) => s.session.send("Profiler.start").catch(() => undefined)));
  }

  /** Stops the profilers, writes each profile and returns their summaries (busiest first). */
  async stop(phase: string): Promise<ProfileSummary[]> {
    const slug = phase.replace(/[^a-z0-9]+/gi, "-").replace(/^-|-$/g, "").toLowerCase();
    const out: ProfileSummary[] = [];
    for (const s of this.sessions) {
      const r = await Promise.race([
        s.session.send<{ profile: Parameters<typeof summarise>[0] }>("Profiler.stop").catch(() => null),
        sleep(60_000).then(() => null),
      ]);
      if (!r) continue;
      const file = `${slug}-${s.label.replace(/[^a-z0-9#]+/gi, "-")}.cpuprofile`.replace("#", "-");
      await writeFile(join(this.outDir, file), JSON.stringify(r.profile));
      out.push(summarise(r.profile, file));
    }
    return out.sort((a, b) => b.busyMs - a.busyMs);
  }

  close(): void {
    for (const s of this.sessions) s.session.close();
    this.sessions = [];
  }
}

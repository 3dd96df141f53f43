/**
 * A load-generator process (forked by the orchestrator, one per `--loadgens`). It owns a slice
 * of the shoppers — their session tokens and tickets stay here between phases — and runs the
 * phase it is told to, reporting latencies and per-second counts back over IPC.
 */
import { randomBytes } from "node:crypto";
import { snapshotChannel } from "@quickdeal/queue";
import { closedLoop, openLoop } from "./drive.js";
import type { FromLoadgen, LoadgenConfig, PhaseRequest, PhaseResult, ToLoadgen } from "./protocol.js";
import { PublishTimes } from "./publish-times.js";
import { Recorder } from "./recorder.js";
import { Sale, type Shopper, type Status } from "./sale.js";
import { TrpcHttp as Http, HttpClient, type TrpcHttp, timed } from "./trpc.js";

let config: LoadgenConfig;
let api: TrpcHttp;
const shoppers: Shopper[] = [];
let joined = 0;
let sale: { sale: Sale; rec: Recorder; times: PublishTimes } | null = null;

function send(msg: FromLoadgen): void {
  process.send?.(msg);
}

async function signin(rec: Recorder): Promise<void> {
  let next = 0;
  await closedLoop(config.connections, () => {
    if (next >= config.shoppers) return null;
    const i = next++;
    return async () => {
      for (let attempt = 0; attempt < 3; attempt++) {
        const r = await timed(() => api.mutation<{ token: string | null }>("auth.guest", { transport: "bearer" }));
        if (r.ok && r.value.token) {
          rec.ok("signin", r.ms);
          shoppers[i] = { token: r.value.token };
          return;
        }
        rec.error("signin", r.ok ? "NO_TOKEN" : r.error.code, r.ms);
        if (r.ok || !r.error.retryable) return;
      }
    };
  });
}

/**
 * `bins`: where a fixed-rate phase's call falls, by when it was due (its second, and its bin when
 * the bins are finer); its latency is also kept there.
 */
async function join(rec: Recorder, i: number, since: number, bins?: { second: number; bin: number | null }): Promise<void> {
  const s = shoppers[i];
  if (!s?.token) return;
  const token = s.token;
  for (let attempt = 0; attempt < 3; attempt++) {
    const r = await timed(() => api.mutation<Status>("queue.join", { productId: config.productId }, token));
    // Open-loop calls count from when they were due, not from when they were sent.
    const ms = performance.now() - since;
    if (r.ok) {
      rec.ok("join", attempt === 0 ? ms : r.ms);
      if (bins && attempt === 0) {
        rec.histogram(`joinSecond${bins.second}`).record(ms);
        if (bins.bin !== null) rec.histogram(`joinBin${bins.bin}`).record(ms);
      }
      s.ticket = r.value.ticket;
      s.seq = r.value.seq;
      return;
    }
    rec.error("join", r.error.code, r.ms);
    if (!r.error.retryable) return;
  }
}

async function run(req: PhaseRequest): Promise<PhaseResult> {
  const rec = new Recorder();
  switch (req.phase) {
    case "baseline": {
      // The same HTTP client as the API calls, so the baseline costs the generators what a call does.
      const http = new HttpClient(req.origin, { connections: config.connections });
      const deadline = Date.now() + req.durationSec * 1000;
      await closedLoop(
        config.connections,
        () => () =>
          new Promise<void>((resolve) => {
            const started = performance.now();
            http.request("GET", "/", "", undefined, (code, status) => {
              if (code !== null) rec.error("baseline", code, performance.now() - started);
              else if (status === 200) rec.ok("baseline", performance.now() - started);
              else rec.error("baseline", `HTTP_${status}`, performance.now() - started);
              resolve();
            });
          }),
        deadline,
      );
      await http.close();
      break;
    }
    case "signin":
      await signin(rec);
      break;
    case "join-paced": {
      const total = Math.min(Math.round(req.ratePerSec * req.durationSec), config.shoppers - joined);
      const from = joined;
      joined += total;
      const fine = req.binMs < 1000;
      await openLoop(req.ratePerSec, total, (k, dueAt) =>
        join(rec, from + k, dueAt, {
          second: Math.floor(k / req.ratePerSec),
          bin: fine ? Math.floor((k * 1000) / (req.ratePerSec * req.binMs)) : null,
        }),
      );
      break;
    }
    case "join-burst": {
      await closedLoop(config.connections, () => {
        if (joined >= config.shoppers) return null;
        const i = joined++;
        return () => join(rec, i, performance.now());
      });
      break;
    }
    case "status": {
      const withTicket = shoppers.map((s, i) => (s?.ticket ? i : -1)).filter((i) => i >= 0);
      if (withTicket.length === 0) break;
      let k = Math.floor(Math.random() * withTicket.length);
      const deadline = Date.now() + req.durationSec * 1000;
      await closedLoop(
        config.connections,
        () => {
          const s = shoppers[withTicket[k++ % withTicket.length] as number] as Required<Shopper>;
          return async () => {
            const r = await timed(() => api.query<Status>("queue.status", { ticket: s.ticket }, s.token));
            if (r.ok) rec.ok("status", r.ms);
            else rec.error("status", r.error.code, r.ms);
          };
        },
        deadline,
      );
      break;
    }
    case "sale-open": {
      const times = new PublishTimes(config.redisUrl, snapshotChannel(config.redisPrefix), config.productId);
      await times.start();
      const watchers = shoppers.filter((s) => s?.seq !== undefined && s.seq <= req.watchUpTo).length;
      const s = new Sale(config.apiOrigin, watchers, api, rec, shoppers, times, `${config.index}${randomBytes(2).toString("hex")}`);
      sale = { sale: s, rec, times };
      await s.start(req);
      // The sale goes on; this phase's reply only says the watchers are connected.
      return { ...rec.result("sale-open", true), series: [] };
    }
    case "sale-close": {
      if (!sale) break;
      await sale.sale.stop();
      sale.times.stop();
      sale.rec.extra.snapshotsSeen = sale.times.published;
      const result = sale.rec.result("sale-close");
      sale = null;
      return result;
    }
  }
  return rec.result(req.phase);
}

process.on("message", (msg: ToLoadgen) => {
  if (msg.type === "init") {
    config = msg.config;
    api = new Http(config.apiOrigin, config.connections);
    send({ type: "ready" });
  } else if (msg.type === "run") {
    const { type: _t, id, ...req } = msg;
    run(req as PhaseRequest).then(
      (result) => send({ type: "done", id, result }),
      (err: unknown) => send({ type: "failed", id, error: err instanceof Error ? (err.stack ?? err.message) : String(err) }),
    );
  } else if (msg.type === "exit") {
    void api?.close().finally(() => process.exit(0));
  }
});
process.on("disconnect", () => process.exit(0));

/** Turns what a full run collected into the result JSON (figures, ratios, CPU per operation). */
import type { BenchOptions } from "../options.js";
import type { correctness } from "../run/db.js";
import type { CodeVersion, machine } from "../run/machine.js";
import type { PerfPhase } from "../run/perf-recorder.js";
import type { ProfileSummary } from "../run/profile.js";
import { type mergeHistograms, type PromHistogram, summariseHistogram } from "../run/prom.js";
import type { prefixMemory } from "../run/redis-stats.js";
import { Series } from "../stats/series.js";
import { endpointFigures, type MergedPhase } from "./merge.js";
import type { BenchResult, PhaseWindow } from "./result.js";

export interface JoinLogHistograms {
  /** Round trips of produce requests. */
  produce: PromHistogram;
  /** Each join's wait for Kafka's acknowledgement. */
  wait: PromHistogram;
  /** How long each produce request lingered before it left. */
  linger: PromHistogram;
  /** `queue.join` inside the API, from its procedure histogram (no HTTP parsing or queueing). */
  procedure: PromHistogram;
}

export interface JoinLogPhase extends JoinLogHistograms {
  phase: string;
}

/** Seconds to ms, with an unbounded bucket as null (JSON has no Infinity). */
const ms = (sec: number): number | null => (Number.isFinite(sec) ? Math.round(sec * 10_000) / 10 : null);

function joinLogFigures(p: JoinLogPhase): BenchResult["kafka"]["joinLog"][number] {
  const produce = summariseHistogram(p.produce);
  const wait = summariseHistogram(p.wait);
  const linger = summariseHistogram(p.linger);
  const procedure = summariseHistogram(p.procedure);
  return {
    phase: p.phase,
    produceRequests: produce.count,
    produceMeanMs: ms(produce.mean),
    produceP99AtMostMs: ms(produce.quantileLe),
    lingerMeanMs: linger.count > 0 ? ms(linger.mean) : null,
    joins: wait.count,
    waitMeanMs: ms(wait.mean),
    waitP99AtMostMs: ms(wait.quantileLe),
    procedureMeanMs: ms(procedure.mean),
    procedureP99AtMostMs: ms(procedure.quantileLe),
  };
}

export interface Collected {
  runId: string;
  code: CodeVersion;
  opts: BenchOptions;
  m: ReturnType<typeof machine>;
  mariadb: string;
  redisVersion: string;
  loadBefore: number;
  loadAfter: number;
  productId: number;
  prefix: string;
  topic: string;
  /** From starting the API to every worker answering (warm-up included). */
  apiReadySec: number;
  baselineBefore: MergedPhase;
  baselineAfter: MergedPhase;
  signin: MergedPhase;
  paced: MergedPhase | null;
  burst: MergedPhase;
  status: MergedPhase;
  saleOpen: MergedPhase;
  sale: MergedPhase;
  saleStart: number;
  soldOutAt: number | null;
  stalled: boolean;
  saleSeries: Series;
  windows: PhaseWindow[];
  waiting: number;
  memBefore: number;
  memAfter: number;
  roomMem: Awaited<ReturnType<typeof prefixMemory>>;
  redisInfo: Record<string, string>;
  kafkaBatches: ReturnType<typeof mergeHistograms>;
  allBatches: ReturnType<typeof mergeHistograms>;
  /** The join log's histograms per join phase. */
  joinLog: JoinLogPhase[];
  watchersPerApiProcess: number[];
  socketsPerApiProcess: number[];
  watchStretchSeconds: Record<string, number>;
  redisStats: BenchResult["redis"]["commandstats"];
  truth: Awaited<ReturnType<typeof correctness>>;
  peakRss: Record<string, number>;
  profiles: { phase: string; summaries: ProfileSummary[] }[];
  perf: PerfPhase[];
}

/** The per-second join latency histograms of the fixed-rate phase, in order. */
function bySecond(p: MergedPhase): BenchResult["joinPacedBySecond"] {
  return Object.entries(p.histograms)
    .filter(([name]) => name.startsWith("joinSecond"))
    .map(([name, h]) => {
      const s = h.summary();
      return { second: Number(name.slice("joinSecond".length)) + 1, count: s.count, p50Ms: s.p50Ms, p99Ms: s.p99Ms };
    })
    .sort((a, b) => a.second - b.second);
}

/** The finer latency bins of the fixed-rate phase (`--paced-bin-ms`), in order. */
function byBin(p: MergedPhase, binMs: number): BenchResult["joinPacedBins"] {
  return Object.entries(p.histograms)
    .filter(([name]) => name.startsWith("joinBin"))
    .map(([name, h]) => {
      const s = h.summary();
      return { fromMs: Number(name.slice("joinBin".length)) * binMs, count: s.count, p50Ms: s.p50Ms, p99Ms: s.p99Ms };
    })
    .sort((a, b) => a.fromMs - b.fromMs);
}

const ratio = (x: number, base: number) => (base > 0 ? Math.round((x / base) * 1000) / 1000 : 0);

export function buildResult(c: Collected): BenchResult {
  const bb = endpointFigures(c.baselineBefore, "baseline");
  const ba = endpointFigures(c.baselineAfter, "baseline");
  const baselinePerSec = Math.round(((bb?.perSec ?? 0) + (ba?.perSec ?? 0)) / 2);
  const signin = endpointFigures(c.signin, "signin");
  const paced = c.paced ? endpointFigures(c.paced, "join") : null;
  const burst = endpointFigures(c.burst, "join");
  const status = endpointFigures(c.status, "status");
  const checkout = endpointFigures(c.sale, "checkout");
  const watch = endpointFigures(c.saleOpen, "watch");
  const saleStatus = endpointFigures(c.sale, "status");

  const series = new Series();
  for (const p of [c.baselineBefore, c.signin, ...(c.paced ? [c.paced] : []), c.burst, c.status, c.sale, c.baselineAfter]) series.merge(p.series);
  series.merge(c.saleSeries);

  // The closed loop's best second, sliding by 100 ms (the fixed-rate phase is capped at its rate).
  const joinPeak = c.burst.fine.bestRate("join", c.burst.startedAt, c.burst.endedAt, 1000);
  const joinPeakPerSec = joinPeak.perSec;
  const saleEnd = c.soldOutAt ?? Date.now();
  const saleSeconds = Math.max(0.001, (saleEnd - c.saleStart) / 1000);
  const admittedInSale = c.saleSeries.values("admitted", c.saleStart, saleEnd).reduce((s, x) => s + x.value, 0);
  // Best 5-second stretch of sales, as orders per minute.
  const sold = c.saleSeries.values("sold", c.saleStart, saleEnd).map((x) => x.value);
  let best5 = 0;
  for (let i = 0; i + 5 <= sold.length; i++) best5 = Math.max(best5, sold.slice(i, i + 5).reduce((a, b) => a + b, 0));
  const sseUpdate = c.sale.histograms.sseUpdate?.summary();
  const sseAdmit = c.sale.histograms.sseAdmitNotice?.summary();
  const sseEventsPeak = series.peak("sse", c.saleStart, saleEnd);
  const joined = (paced?.ok ?? 0) + (burst?.ok ?? 0);
  const opsOf: Record<string, [number, string][]> = {
    baseline: [[bb?.ok ?? 0, "request"]],
    idle: [[c.opts.idleBefore, "second"]],
    "baseline again": [[ba?.ok ?? 0, "request"]],
    "sign-in": [[signin?.ok ?? 0, "sign-in"]],
    [`joins at ${c.opts.pacedRate}/s`]: [[paced?.ok ?? 0, "join"]],
    "joins, closed loop": [[burst?.ok ?? 0, "join"]],
    "status polling": [[status?.ok ?? 0, "status read"]],
    "SSE watchers connect": [[c.saleOpen.extra.watchers ?? 0, "watcher"]],
    sale: [
      [c.truth.paidOrders, "paid order"],
      [c.sale.extra.sseEvents ?? 0, "SSE event delivered"],
    ],
  };
  const baselineCpu: Record<string, number> = { baseline: c.baselineBefore.extra.serverCpuMs ?? 0, "baseline again": c.baselineAfter.extra.serverCpuMs ?? 0 };
  const baselineCpuTotal: Record<string, number> = {
    baseline: c.baselineBefore.extra.serverCpuTotalMs ?? 0,
    "baseline again": c.baselineAfter.extra.serverCpuTotalMs ?? 0,
  };
  const cpuCost = c.windows.flatMap((w) =>
    (opsOf[w.name] ?? []).flatMap(([ops, label]) => {
    if (!w.cpu || ops <= 0) return [];
    const cpu = w.cpu;
    // CPU seconds as a share of all cores over the phase, to two places.
    const ofCores = (sec: number) => (cpu.seconds > 0 ? Math.round((sec / (cpu.seconds * cpu.cores)) * 100) / 100 : 0);
    const perOpUs: Record<string, number> = {};
    const server = baselineCpu[w.name];
    if (server) perOpUs["baseline server"] = Math.round((server * 1000) / ops);
    for (const [g, sec] of Object.entries(w.cpu.byGroup)) if (sec > 0) perOpUs[g] = Math.round((sec * 1e6) / ops);
    return [
      {
        phase: w.name,
        ops,
        per: label,
        seconds: w.cpu.seconds,
        perOpUs,
        machineBusyShare: ofCores(cpu.machineBusySec),
        hostStolenShare: ofCores(cpu.stolenSec),
        // The baseline server is not one of the metered groups: do not count it as another tenant.
        otherTenantsCpuSec: Math.round(Math.max(0, w.cpu.otherSec - (baselineCpuTotal[w.name] ?? 0) / 1000) * 100) / 100,
      },
    ];
  }),
  );
  const phases: [string, MergedPhase | null][] = [
    ["baseline", c.baselineBefore],
    ["sign-in", c.signin],
    [`joins at ${c.opts.pacedRate}/s`, c.paced],
    ["joins, closed loop", c.burst],
    ["status polling", c.status],
    ["SSE watchers connect", c.saleOpen],
    ["sale", c.sale],
    ["baseline again", c.baselineAfter],
  ];
  const generatorLoopDelay = phases.flatMap(([phase, p]) =>
    p && p.extra.generatorLoopDelayP99Ms !== undefined
      ? [{ phase, p99Ms: p.extra.generatorLoopDelayP99Ms, maxMs: p.extra.generatorLoopDelayMaxMs ?? 0 }]
      : [],
  );
  const meanBatch = c.allBatches.count > 0 ? Math.round((c.allBatches.sum / c.allBatches.count) * 10) / 10 : 0;

  return {
    runId: c.runId,
    measuredAt: new Date().toISOString(),
    mode: "full",
    machine: { ...c.m, mariadb: c.mariadb, redis: c.redisVersion, loadAverage1m: { before: c.loadBefore, after: c.loadAfter } },
    code: c.code,
    options: c.opts,
    setup: {
      apiProcesses: c.opts.apiWorkers,
      admissionWorkers: c.opts.workers,
      loadGenerators: c.opts.loadgens,
      connections: c.opts.connections,
      productId: c.productId,
      redisPrefix: c.prefix,
      kafkaTopic: c.topic,
      apiReadySec: c.apiReadySec,
    },

    joinsPerSec: burst?.perSec ?? 0,
    joinPeakPerSec,
    joinPeakWindowMs: joinPeak.windowMs,
    joinP50Ms: paced?.p50Ms ?? burst?.p50Ms ?? 0,
    joinP95Ms: paced?.p95Ms ?? burst?.p95Ms ?? 0,
    joinP99Ms: paced?.p99Ms ?? burst?.p99Ms ?? 0,
    joinP99AtPerSec: paced ? paced.perSec : (burst?.perSec ?? 0),
    joinPacedBySecond: c.paced ? bySecond(c.paced) : [],
    joinPacedBins: c.paced ? byBin(c.paced, c.opts.pacedBinMs) : [],
    joinBurstP99Ms: burst?.p99Ms ?? 0,
    statusPerSec: status?.perSec ?? 0,
    statusP99Ms: status?.p99Ms ?? 0,
    signinPerSec: signin?.perSec ?? 0,
    sseWatchers: c.saleOpen.extra.watchers ?? 0,
    sseWatchersPerApiProcess: c.watchersPerApiProcess,
    sseSocketsPerApiProcess: c.socketsPerApiProcess,
    sseOpenSec: Math.round((c.saleOpen.extra.watchOpenMs ?? 0) / 100) / 10,
    sseUpdateP50Ms: sseUpdate?.p50Ms ?? 0,
    sseUpdateP99Ms: sseUpdate?.p99Ms ?? 0,
    sseAdmitNoticeP99Ms: sseAdmit?.p99Ms ?? 0,
    sseEventsPerSecPeak: sseEventsPeak,
    sseStretchSeconds: c.watchStretchSeconds,
    admissionsPerSec: Math.round(admittedInSale / saleSeconds),
    admissionsPerSecPeak: c.saleSeries.peak("admitted", c.saleStart, saleEnd),
    ordersPerMin: c.truth.ordersPerMin,
    // A sale shorter than five seconds has no best five seconds: its whole-sale rate is the figure.
    ordersPerMinPeak: saleSeconds < 5 ? c.truth.ordersPerMin : Math.round((best5 / 5) * 60),
    timeToSellOutSec: c.soldOutAt ? Math.round(((c.soldOutAt - c.saleStart) / 1000) * 10) / 10 : null,
    saleStalled: c.stalled,
    sold: c.truth.sold,
    stock: c.truth.stock,
    oversold: c.truth.oversold,
    duplicateOrders: c.truth.duplicateOrders,
    paidOrders: c.truth.paidOrders,
    pendingOrders: c.truth.pendingOrders,
    consistent: c.truth.consistent,
    baselinePerSec,
    baselineBeforePerSec: bb?.perSec ?? 0,
    baselineAfterPerSec: ba?.perSec ?? 0,
    ratios: {
      joins: ratio(burst?.perSec ?? 0, baselinePerSec),
      joinPeak: ratio(joinPeakPerSec, baselinePerSec),
      status: ratio(status?.perSec ?? 0, baselinePerSec),
      signin: ratio(signin?.perSec ?? 0, baselinePerSec),
    },
    redisBytesPerShopper: c.waiting > 0 ? Math.round(roomBytes(c.roomMem) / c.waiting) : 0,
    redisUsedMemoryDeltaPerShopper: joined > 0 ? Math.round((c.memAfter - c.memBefore) / joined) : 0,
    peakRssBytes: c.peakRss,

    endpoints: {
      baseline: bb,
      "auth.guest": signin,
      [`queue.join @${c.opts.pacedRate}/s`]: paced,
      "queue.join (closed loop)": burst,
      "queue.status": status,
      "queue.watch (first event)": watch,
      "queue.status (sale pollers)": saleStatus,
      "payment.checkout": checkout,
    },
    sale: {
      extra: c.sale.extra,
      sseUpdate: sseUpdate ?? null,
      sseAdmitNotice: sseAdmit ?? null,
    },
    redis: {
      shoppersInLine: c.waiting,
      roomKeysBytes: roomBytes(c.roomMem),
      prefixBytesByKind: c.roomMem.byKind,
      usedMemoryBefore: c.memBefore,
      usedMemoryAfterJoins: c.memAfter,
      usedMemoryPeak: Number(c.redisInfo.used_memory_peak ?? 0),
      commandstats: c.redisStats,
    },
    kafka: {
      joinPhaseBatches: c.kafkaBatches.count,
      joinPhaseMeanBatch: c.kafkaBatches.count > 0 ? Math.round((c.kafkaBatches.sum / c.kafkaBatches.count) * 10) / 10 : 0,
      produceBatches: c.allBatches.count,
      meanBatchSize: meanBatch,
      buckets: c.allBatches.buckets,
      joinLog: c.joinLog.map(joinLogFigures),
    },
    cpuCost,
    generatorLoopDelay,
    profiles: c.profiles,
    perf: c.perf,
    timeline: { phases: c.windows, series: series.toJSON() },
  };
}

/** The waiting room's own keys (room, tickets, users, expiries, left), without the rate limiters'. */
function roomBytes(mem: { byKind: Record<string, number> }): number {
  return Object.entries(mem.byKind)
    .filter(([k]) => !k.startsWith("rl:"))
    .reduce((s, [, v]) => s + v, 0);
}

import type { BenchOptions } from "../options.js";
import type { CpuUse } from "../run/cpu.js";
import type { CodeVersion, Machine } from "../run/machine.js";
import type { PerfPhase } from "../run/perf-recorder.js";
import type { ProfileSummary } from "../run/profile.js";
import type { CommandStat } from "../run/redis-stats.js";
import type { LatencySummary } from "../stats/histogram.js";
import type { SeriesJson } from "../stats/series.js";
import type { EndpointFigures } from "./merge.js";

export interface PhaseWindow {
  name: string;
  start: number;
  end: number;
  /** CPU seconds used during the phase, by process group, and by everything else on the machine. */
  cpu?: CpuUse;
}

export interface MachineInfo extends Machine {
  mariadb: string;
  redis: string;
  loadAverage1m: { before: number; after: number };
}

type CommandRow = CommandStat & { command: string; usecPerCall: number };

/** The JSON a full run writes. The top-level numbers are the ones scripts compare between runs. */
export interface BenchResult {
  runId: string;
  measuredAt: string;
  mode: "full";
  machine: MachineInfo;
  code: CodeVersion;
  options: BenchOptions;
  setup: {
    apiProcesses: number;
    admissionWorkers: number;
    loadGenerators: number;
    connections: number;
    productId: number;
    redisPrefix: string;
    kafkaTopic: string;
    /** Seconds from starting the API to every worker answering (their warm-up included). */
    apiReadySec: number;
  };

  /** queue.join completed per second, closed loop (as fast as it goes), whole phase. */
  joinsPerSec: number;
  /**
   * Best second of the closed loop's joins, as a window sliding by 100 ms over its whole tenths;
   * over a shorter window when the closed loop is shorter (`joinPeakWindowMs`).
   */
  joinPeakPerSec: number;
  joinPeakWindowMs: number;
  /** Latency of queue.join at the fixed rate (`joinP99AtPerSec`), counted from when each call was due. */
  joinP50Ms: number;
  joinP95Ms: number;
  joinP99Ms: number;
  joinP99AtPerSec: number;
  /** The fixed-rate phase second by second (by when each call was due): does the latency settle? */
  joinPacedBySecond: { second: number; count: number; p50Ms: number; p99Ms: number }[];
  /** With `--paced-bin-ms` under 1000: the same per bin, `fromMs` after the phase began (by when due). */
  joinPacedBins: { fromMs: number; count: number; p50Ms: number; p99Ms: number }[];
  /** p99 in the closed-loop phase (depends on the connection count: Little's law). */
  joinBurstP99Ms: number;
  statusPerSec: number;
  statusP99Ms: number;
  signinPerSec: number;
  /** SSE streams open at once, all API processes together. */
  sseWatchers: number;
  sseWatchersPerApiProcess: number[];
  sseSocketsPerApiProcess: number[];
  sseOpenSec: number;
  /** Watcher saw the line move − the worker published that step. */
  sseUpdateP50Ms: number;
  sseUpdateP99Ms: number;
  sseAdmitNoticeP99Ms: number;
  sseEventsPerSecPeak: number;
  /**
   * API process-seconds of the sale (and its close) spent at each factor on watchers' "line moved"
   * intervals ("1", "2", "4": stretched while a process was saturated, decisions §30).
   */
  sseStretchSeconds: Record<string, number>;
  admissionsPerSec: number;
  admissionsPerSecPeak: number;
  /** Paid orders per minute between the first order and the last payment (MySQL). */
  ordersPerMin: number;
  /** Best five whole seconds of sales, per minute; the whole-sale rate when the sale took under 5 s. */
  ordersPerMinPeak: number;
  timeToSellOutSec: number | null;
  saleStalled: boolean;
  sold: number;
  stock: number;
  oversold: number;
  duplicateOrders: number;
  paidOrders: number;
  pendingOrders: number;
  consistent: boolean;
  /** Bare node:http hello world, mean of the runs before and after. */
  baselinePerSec: number;
  baselineBeforePerSec: number;
  baselineAfterPerSec: number;
  ratios: { joins: number; joinPeak: number; status: number; signin: number };
  /** The waiting room's Redis keys (MEMORY USAGE) / shoppers in line. */
  redisBytesPerShopper: number;
  /** INFO used_memory after − before the joins, / joins (includes rate-limit keys and other tenants). */
  redisUsedMemoryDeltaPerShopper: number;
  peakRssBytes: Record<string, number>;

  endpoints: Record<string, EndpointFigures | null>;
  sale: { extra: Record<string, number>; sseUpdate: LatencySummary | null; sseAdmitNotice: LatencySummary | null };
  redis: {
    shoppersInLine: number;
    roomKeysBytes: number;
    prefixBytesByKind: Record<string, number>;
    usedMemoryBefore: number;
    usedMemoryAfterJoins: number;
    usedMemoryPeak: number;
    commandstats: { joins: CommandRow[]; status: CommandRow[]; sale: CommandRow[] };
  };
  kafka: {
    joinPhaseBatches: number;
    joinPhaseMeanBatch: number;
    produceBatches: number;
    meanBatchSize: number;
    buckets: [string, number][];
    /**
     * Per join phase, from the API's histograms: produce requests' round trip and each join's wait
     * for the log (lingering and the request ahead of it included), and the whole `queue.join`
     * procedure inside the API: mean and the histogram bucket holding the 99th percentile (null:
     * past the last bound). What the shopper saw beyond the procedure is HTTP and queueing.
     */
    joinLog: {
      phase: string;
      produceRequests: number;
      produceMeanMs: number | null;
      produceP99AtMostMs: number | null;
      /** Mean time a produce request lingered for more joins (null: no request, or an API without that histogram). */
      lingerMeanMs: number | null;
      joins: number;
      waitMeanMs: number | null;
      waitP99AtMostMs: number | null;
      procedureMeanMs: number | null;
      procedureP99AtMostMs: number | null;
    }[];
  };
  /** CPU time per operation by process group (µs), from /proc: what each request costs whatever else runs. */
  cpuCost: CpuCost[];
  /**
   * Per phase, how late the load generators' event loops ran (the worse generator's p99 and max,
   * ms): every latency the generators report includes this much of their own.
   */
  generatorLoopDelay: { phase: string; p99Ms: number; maxMs: number }[];
  /** --profile: CPU profile summaries per phase (API and worker processes, busiest first). */
  profiles: { phase: string; summaries: ProfileSummary[] }[];
  /** --perf: per phase and process group, who asked for the CPU (perf-owners; shares 0–1). */
  perf: PerfPhase[];
  timeline: { phases: PhaseWindow[]; series: SeriesJson };
}

export interface CpuCost {
  phase: string;
  ops: number;
  per: string;
  seconds: number;
  perOpUs: Record<string, number>;
  /** Share of all cores busy during the phase (anyone's work, the host's steal included). */
  machineBusyShare: number;
  /**
   * Share of all cores the hypervisor took while this machine had work (steal): a phase where it
   * is large measured a slower machine; compare runs where it is alike.
   */
  hostStolenShare: number;
  /** CPU seconds used by processes outside the bench (colleagues' tests, browsers …). */
  otherTenantsCpuSec: number;
}

/** The JSON of `--million`. */
export interface MillionResult {
  runId: string;
  measuredAt: string;
  mode: "million";
  machine: MachineInfo;
  shoppers: number;
  method: string;
  joinsPerSec: number;
  /** Redis's own CPU (INFO cpu) per join while queueing; Redis is shared, so others' use counts too. */
  redisCpuUsPerJoin: number;
  /** This process's CPU per join (ioredis and the store's batching). */
  clientCpuUsPerJoin: number;
  redisBytesPerShopper: number;
  redisUsedMemoryDeltaPerShopper: number;
  roomKeysBytes: number;
  bytesByKey: Record<string, number>;
  usedMemoryBefore: number;
  usedMemoryAfter: number;
  usedMemoryMb: number;
  roomKeysMb: number;
  hashEncoding: Record<string, string>;
  redisMaxmemoryPolicy: string;
}

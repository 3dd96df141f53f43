/**
 * The full bench: real HTTP against the API processes as the README runs them in production,
 * real MySQL/Redis/Kafka, load from separate processes. Phases, in order:
 *   baseline (bare node:http) → sign-in → joins at a fixed rate → joins as fast as they go →
 *   status polling → SSE watchers connect → the sale opens: admit, think, pay, until sold out →
 *   baseline again → correctness from MySQL.
 */
import { randomBytes } from "node:crypto";
import { mkdir } from "node:fs/promises";
import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { createDb } from "@quickdeal/db";
import { createQueue } from "@quickdeal/queue";
import { Redis } from "ioredis";
import type { BenchEnv } from "../env.js";
import type { PhaseRequest } from "../loadgen/protocol.js";
import type { BenchOptions } from "../options.js";
import { type MergedPhase, mergePhase } from "../report/merge.js";
import type { BenchResult, PhaseWindow } from "../report/result.js";
import { buildResult, type JoinLogHistograms, type JoinLogPhase } from "../report/summary.js";
import { Series } from "../stats/series.js";
import { CpuMeter, cpuMs, pidsMatching } from "./cpu.js";
import { correctness, createProduct, dropEarlierRuns, openBenchDb, serverVersion, setPaused } from "./db.js";
import { PhaseProfiler } from "./inspector.js";
import { Loadgens } from "./loadgens.js";
import { codeVersion, load1, machine, ROOT } from "./machine.js";
import { checkPerf, PERF_NODE_FLAG, PerfRecorder } from "./perf-recorder.js";
import { childrenOf, freePort, freePortBlock, listeningCount, type Proc, RssTracker, socketCount, startNode, stop, waitForHttp } from "./procs.js";
import type { ProfileSummary } from "./profile.js";
import { counterMovedBy, diffHistograms, histogram, mergeHistograms, type Sample, scrapeProcesses, value } from "./prom.js";
import { commandStats, deletePrefix, diffStats, info, prefixMemory, usedMemory } from "./redis-stats.js";
import { deleteRunTopics } from "./topics.js";

const API_ENTRY = join(ROOT, "packages/api/dist/server.js");
const WORKER_ENTRY = join(ROOT, "packages/queue/dist/worker.js");
const BASELINE_ENTRY = new URL("./baseline-server.js", import.meta.url).pathname;

export interface RunPaths {
  resultsDir: string;
  logDir: string;
  profileDir: string;
}

const log = (msg: string) => console.log(`[bench ${new Date().toISOString().slice(11, 19)}] ${msg}`);

/** Bare node:http hello world, clustered like the API, hit by the same load generators. */
async function measureBaseline(gens: Loadgens, workers: number, seconds: number, logFile: string, path: string): Promise<MergedPhase> {
  const port = await freePort();
  const proc = startNode("baseline", [BASELINE_ENTRY, String(port), String(workers)], { PATH: path }, logFile);
  const tree = () => [proc.pid, ...childrenOf(proc.pid)].reduce((s, p) => s + cpuMs(p), 0);
  try {
    await waitForHttp(`http://127.0.0.1:${port}/`, 10_000, proc);
    // Warm the JIT and the connections, then measure.
    await gens.run({ phase: "baseline", origin: `http://127.0.0.1:${port}`, durationSec: 3 });
    const before = tree();
    const merged = mergePhase(await gens.run({ phase: "baseline", origin: `http://127.0.0.1:${port}`, durationSec: seconds }));
    // The server's own CPU (it is gone before the phase's CPU snapshot is taken): during the
    // measurement, and in all (warm-up included) so it is not mistaken for another tenant's.
    const total = tree();
    merged.extra.serverCpuMs = total - before;
    merged.extra.serverCpuTotalMs = total;
    return merged;
  } finally {
    await stop(proc, 5_000);
  }
}

export async function runBench(opts: BenchOptions, env: BenchEnv, paths: RunPaths, runId: string): Promise<BenchResult> {
  const m = machine();
  const code = codeVersion();
  const loadBefore = load1();
  log(`run ${runId} on ${m.cores} cores (${m.cpu}), node ${m.node}, load average ${loadBefore}`);
  await mkdir(paths.logDir, { recursive: true });
  if (opts.perf) checkPerf();
  if (opts.profile || opts.perf) await mkdir(paths.profileDir, { recursive: true });

  const prefix = `bench${runId.replace(/[^A-Za-z0-9]/g, "")}`;
  const topic = `quickdeal.bench.${runId}`;
  const secret = randomBytes(32).toString("hex");
  const redis = new Redis(env.redisUrl);
  const conn = await openBenchDb(env.databaseUrl);
  const dbHandle = createDb(env.databaseUrl, { connectionLimit: 2 });
  const procs: Proc[] = [];
  const rss = new RssTracker();
  const windows: PhaseWindow[] = [];
  // Who is who for the CPU accounting; filled in as processes start.
  const pids: { api: number | null; workers: number[]; gens: number[]; redis: number[]; mariadb: number[]; kafka: number[] } = {
    api: null,
    workers: [],
    gens: [],
    redis: [],
    mariadb: pidsMatching(/(^|\/)(mariadbd|mysqld)( |$)/),
    kafka: pidsMatching(/kafka\.Kafka /),
  };
  const meter = new CpuMeter(() => ({
    "API processes": pids.api ? [pids.api, ...childrenOf(pids.api)] : [],
    "queue worker": pids.workers,
    "load generators": pids.gens,
    redis: pids.redis,
    mariadb: pids.mariadb,
    kafka: pids.kafka,
  }));
  const profiler = opts.profile ? new PhaseProfiler(paths.profileDir) : null;
  const profiles: { phase: string; summaries: ProfileSummary[] }[] = [];
  const perf = opts.perf ? new PerfRecorder(paths.profileDir) : null;
  // Recorded only while the system under test runs (not the bare baselines).
  let perfOn = false;
  const perfGroups = () => [
    { name: "API workers", pids: pids.api ? childrenOf(pids.api) : [] },
    { name: "queue worker", pids: pids.workers },
    // The bench's own share of the machine: what it costs is taken from the system under test.
    { name: "load generators", pids: pids.gens },
  ];
  const phase = async <T>(name: string, fn: () => Promise<T>): Promise<T> => {
    const perfing = perf !== null && perfOn;
    if (perfing) await perf.start(name);
    const start = Date.now();
    const before = meter.snapshot();
    const profiling = profiler !== null && profiler.attached > 0;
    if (profiling) await profiler.start();
    log(`${name} …`);
    try {
      return await fn();
    } finally {
      windows.push({ name, start, end: Date.now(), cpu: CpuMeter.diff(before, meter.snapshot(), m.cores) });
      if (profiling) profiles.push({ phase: name, summaries: await profiler.stop(name) });
      if (perfing) await perf.stop(perfGroups());
    }
  };
  let gens: Loadgens | null = null;
  const queue = createQueue({ redisUrl: env.redisUrl, kafkaBrokers: env.kafkaBrokers, topic, secret, db: dbHandle.db, prefix });

  try {
    const mariadb = await serverVersion(conn);
    const redisServer = await info(redis, "server");
    const redisVersion = redisServer.redis_version ?? "?";
    pids.redis = [Number(redisServer.process_id ?? 0)].filter((x) => x > 0);
    await dropEarlierRuns(conn);
    const productId = await createProduct(conn, { runId, stock: opts.stock, capacity: opts.capacity, ttlSec: opts.ttl, paused: true });
    log(`product ${productId}: ${opts.stock} units, capacity ${opts.capacity}; Redis prefix ${prefix}, Kafka topic ${topic}`);

    // Load generators first: the baseline needs them.
    const apiPort = await freePort();
    const apiOrigin = `http://127.0.0.1:${apiPort}`;
    gens = await Loadgens.start(
      opts.loadgens,
      { apiOrigin, redisUrl: env.redisUrl, redisPrefix: prefix, productId },
      opts.shoppers,
      opts.connections,
      join(paths.logDir, "loadgen.log"),
      [...(opts.loadgenNodeArgs ?? []), ...(opts.perf ? [PERF_NODE_FLAG] : [])],
    );
    for (const [i, pid] of gens.pids.entries()) rss.watch(`load generator ${i + 1}`, pid);
    pids.gens = gens.pids;
    rss.start();

    const baselineBefore = await phase("baseline", () => measureBaseline(gens as Loadgens, opts.apiWorkers, opts.baselineDuration, join(paths.logDir, "baseline.log"), env.path));

    // ---- the system under test, as production runs it
    const common = {
      PATH: env.path,
      DATABASE_URL: env.databaseUrl,
      REDIS_URL: env.redisUrl,
      REDIS_PREFIX: prefix,
      KAFKA_BROKERS: env.kafkaBrokers.join(","),
      KAFKA_JOIN_TOPIC: topic,
      KAFKA_JOIN_PARTITIONS: "8",
      // Idle shoppers at the back of a long line are not "gone" during a bench.
      HEARTBEAT_GRACE_SEC: "600",
      LOG_LEVEL: "warn",
    };
    // --profile: an inspector per process on loopback; a clustered API's workers take the ports after
    // its own, so it gets a block of free ones.
    const inspectPorts: [number, number][] = [];
    const prof = async (processes: number) => {
      if (!opts.profile) return [];
      const base = await freePortBlock(processes);
      inspectPorts.push([base, base + processes - 1]);
      return [`--inspect=127.0.0.1:${base}`];
    };
    const workerPorts: number[] = [];
    for (let i = 0; i < opts.workers; i++) {
      const port = await freePort();
      workerPorts.push(port);
      const w = startNode(
        `worker ${i + 1}`,
        [...(await prof(1)), ...(opts.perf ? [PERF_NODE_FLAG] : []), WORKER_ENTRY],
        { ...common, KAFKA_GROUP_ID: `bench-admission-${runId}`, WORKER_METRICS_PORT: String(port) },
        join(paths.logDir, `worker-${i + 1}.log`),
      );
      procs.push(w);
      pids.workers.push(w.pid);
      rss.watch(`queue worker ${i + 1}`, w.pid);
    }
    const apiStartedAt = performance.now();
    const api = startNode(
      "api",
      // Node flags before the script; the API's cluster workers inherit them (execArgv).
      [...(await prof(1 + opts.apiWorkers)), ...(opts.apiNodeArgs ?? []), ...(opts.perf ? [PERF_NODE_FLAG] : []), API_ENTRY],
      {
        ...common,
        AUTH_SECRET: secret,
        API_PORT: String(apiPort),
        API_HOST: "127.0.0.1",
        API_WORKERS: String(opts.apiWorkers),
        WEB_ORIGIN: apiOrigin,
        // Every shopper comes from 127.0.0.1: the per-IP limits would stop the bench, not a crowd.
        RATE_LIMIT_SCALE: "100000",
        ...(opts.apiYoungGenMb === undefined ? {} : { API_YOUNG_GEN_MB: String(opts.apiYoungGenMb) }),
        ...(opts.apiInterruptBudget === undefined ? {} : { API_INTERRUPT_BUDGET: String(opts.apiInterruptBudget) }),
        ...(opts.apiAccept === undefined ? {} : { API_ACCEPT: opts.apiAccept }),
        ...(opts.apiMemoryReducer === undefined ? {} : { API_MEMORY_REDUCER: opts.apiMemoryReducer }),
        ...(opts.joinLingerMs === undefined ? {} : { KAFKA_JOIN_LINGER_MS: String(opts.joinLingerMs) }),
        ...(opts.joinFullBatch === undefined ? {} : { KAFKA_JOIN_FULL_BATCH: String(opts.joinFullBatch) }),
        ...(opts.watchMaxStretch === undefined ? {} : { WATCH_MAX_STRETCH: String(opts.watchMaxStretch) }),
        ...(opts.apiWarmup === undefined ? {} : { API_WARMUP_SHOPPERS: String(opts.apiWarmup) }),
        ...(opts.apiWarmupCopies === undefined ? {} : { API_WARMUP_COPIES: String(opts.apiWarmupCopies) }),
        ...(opts.apiWarmupSeconds === undefined ? {} : { API_WARMUP_SECONDS: String(opts.apiWarmupSeconds) }),
      },
      join(paths.logDir, "api.log"),
    );
    procs.push(api);
    pids.api = api.pid;
    rss.watch("api", api.pid, true);
    await waitForHttp(`${apiOrigin}/healthz`, 60_000, api);
    for (const [i, port] of workerPorts.entries()) await waitForHttp(`http://127.0.0.1:${port}/healthz`, 60_000, procs[i]);
    // Every API worker up: the port answers as soon as the first one listens, and each listens
    // only after its warm-up; a worker still warming would leave every connection to the others.
    // With the primary accepting (node:cluster's round robin) the workers hold no socket of the
    // API's port; each holds one of its own while it warms up (warmup.ts), so all are up once none
    // listens on anything but an inspector port. (With the warm-up off they are up within ~1 s.)
    const warming = (port: number) => port !== apiPort && !inspectPorts.some(([lo, hi]) => port >= lo && port <= hi);
    const allUp = () =>
      opts.apiAccept === "primary"
        ? listeningCount(warming, childrenOf(api.pid)) === 0
        : listeningCount(apiPort, childrenOf(api.pid)) >= opts.apiWorkers;
    for (let i = 0; i < 1_200 && !allUp(); i++) await sleep(100);
    const apiReadySec = (performance.now() - apiStartedAt) / 1000;
    await sleep(1_000);
    if (opts.idleBefore > 0) {
      log(`API idle for ${opts.idleBefore} s before the crowd (processes started ahead of the sale)`);
      // Metered like a phase: what each process spends while nobody calls it (decisions §31).
      await phase("idle", () => sleep(opts.idleBefore * 1_000));
    }
    await queue.ensureRoom(productId);
    if (profiler) {
      const logs = [{ label: "api", file: join(paths.logDir, "api.log") }, ...workerPorts.map((_, i) => ({ label: "worker", file: join(paths.logDir, `worker-${i + 1}.log`) }))];
      await profiler.attach(logs, 1 + opts.apiWorkers + opts.workers);
      log(`profiling ${profiler.attached} processes per phase`);
    }
    perfOn = true;
    log(`API on ${apiOrigin} (${opts.apiWorkers} processes, all up after ${apiReadySec.toFixed(1)} s), ${opts.workers} admission worker(s)`);

    // ---- the crowd arrives
    const signin = mergePhase(await phase("sign-in", () => (gens as Loadgens).run({ phase: "signin" })));
    const memBefore = await usedMemory(redis);
    const statsBeforeJoin = await commandStats(redis);
    const scrapeApi = () => scrapeProcesses(`${apiOrigin}/metrics`, opts.apiWorkers);
    // The join log's histograms before and after each join phase: where a join's wait went.
    const joinLogOf = (scrape: Sample[][]): JoinLogHistograms => ({
      produce: mergeHistograms(scrape.map((s) => histogram(s, "qd_kafka_produce_seconds"))),
      wait: mergeHistograms(scrape.map((s) => histogram(s, "qd_join_log_wait_seconds"))),
      linger: mergeHistograms(scrape.map((s) => histogram(s, "qd_join_log_linger_seconds"))),
      procedure: mergeHistograms(scrape.map((s) => histogram(s, "qd_api_call_seconds", { path: "queue.join" }))),
    });
    const joinLog: JoinLogPhase[] = [];
    let joinLogMark = joinLogOf(await scrapeApi());
    const markJoinLog = async (name: string) => {
      const scrape = await scrapeApi();
      const now = joinLogOf(scrape);
      joinLog.push({
        phase: name,
        produce: diffHistograms(now.produce, joinLogMark.produce),
        wait: diffHistograms(now.wait, joinLogMark.wait),
        linger: diffHistograms(now.linger, joinLogMark.linger),
        procedure: diffHistograms(now.procedure, joinLogMark.procedure),
      });
      joinLogMark = now;
      return scrape;
    };
    let paced: MergedPhase | null = null;
    if (opts.pacedRate > 0 && opts.pacedSeconds > 0) {
      const perGen = opts.pacedRate / opts.loadgens;
      const req: PhaseRequest = { phase: "join-paced", ratePerSec: perGen, durationSec: opts.pacedSeconds, binMs: opts.pacedBinMs };
      paced = mergePhase(await phase(`joins at ${opts.pacedRate}/s`, () => (gens as Loadgens).run(req)));
      await markJoinLog(`joins at ${opts.pacedRate}/s`);
    }
    const burst = mergePhase(await phase("joins, closed loop", () => (gens as Loadgens).run({ phase: "join-burst" })));
    const afterJoins = await markJoinLog("joins, closed loop");
    const memAfter = await usedMemory(redis);
    const statsAfterJoin = await commandStats(redis);
    const roomMem = await prefixMemory(redis, prefix);
    const room = await queue.store.room(productId);
    const waiting = room?.seq ?? 0;
    const kafkaBatches = mergeHistograms(afterJoins.map((s) => histogram(s, "qd_kafka_produce_batch_size")));
    log(`${waiting} shoppers in line; Redis keys of the run: ${(roomMem.total / 2 ** 20).toFixed(1)} MiB`);

    // The bench's own SCAN/MEMORY USAGE above must not count against the status phase.
    const statsBeforeStatus = await commandStats(redis);
    const status = mergePhase(await phase("status polling", () => (gens as Loadgens).run({ phase: "status", durationSec: opts.duration })));
    const statsAfterStatus = await commandStats(redis);

    // ---- everybody watches, then the doors open
    const watchUpTo = Math.min(opts.watchers, waiting);
    const pollUpTo = Math.max(watchUpTo, Math.min(waiting, opts.stock + opts.capacity));
    const saleOpen = mergePhase(
      await phase("SSE watchers connect", () =>
        (gens as Loadgens).run({
          phase: "sale-open",
          watchUpTo,
          pollUpTo,
          thinkMs: opts.thinkMs,
          pollMs: opts.pollMs,
          pollMaxMs: opts.pollMaxMs,
          openConcurrency: 200,
          sseH2: opts.sseH2,
        }),
      ),
    );
    const apiWorkerPids = childrenOf(api.pid);
    const socketsPerApiProcess = apiWorkerPids.map(socketCount);
    const watchScrape = await scrapeProcesses(`${apiOrigin}/metrics`, opts.apiWorkers);
    const watchersPerApiProcess = watchScrape.map((s) => value(s, "qd_watchers"));
    log(`${saleOpen.extra.watchers ?? 0} watchers connected in ${saleOpen.extra.watchOpenMs ?? 0} ms; per API process ${watchersPerApiProcess.join(" / ")} (sockets ${socketsPerApiProcess.join(" / ")})`);

    const statsBeforeSale = await commandStats(redis);
    const saleSeries = new Series();
    const saleStart = Date.now();
    let soldOutAt: number | null = null;
    let stalled = false;
    await phase("sale", async () => {
      await setPaused(conn, productId, false);
      await queue.admin.pause(productId, false);
      const deadline = saleStart + opts.saleTimeout * 1000;
      let last = { admittedTotal: 0, sold: 0, at: saleStart };
      let lastProgress = Date.now();
      while (Date.now() < deadline) {
        await sleep(200);
        const r = await queue.store.room(productId);
        if (!r) break;
        const now = Date.now();
        if (r.admittedTotal > last.admittedTotal) saleSeries.inc("admitted", now, r.admittedTotal - last.admittedTotal);
        if (r.sold > last.sold) saleSeries.inc("sold", now, r.sold - last.sold);
        if (r.admittedTotal !== last.admittedTotal || r.sold !== last.sold) lastProgress = now;
        last = { admittedTotal: r.admittedTotal, sold: r.sold, at: now };
        if (r.sold >= opts.stock || (r.soldOut && r.admitted <= 0)) {
          soldOutAt = now;
          break;
        }
        if (now - lastProgress > 30_000) {
          stalled = true;
          log("no admission or sale for 30 s: stopping the sale phase");
          break;
        }
      }
      // Let the waiting watchers hear "sold out" before they are closed.
      await sleep(2_000);
    });
    const sale = mergePhase(await phase("sale close", () => (gens as Loadgens).run({ phase: "sale-close" })));
    const statsAfterSale = await commandStats(redis);
    const afterSale = await scrapeProcesses(`${apiOrigin}/metrics`, opts.apiWorkers);
    const allBatches = mergeHistograms(afterSale.map((s) => histogram(s, "qd_kafka_produce_batch_size")));
    const watchStretchSeconds = counterMovedBy(afterSale, watchScrape, "qd_watch_interval_stretch_seconds_total", "factor");

    // ---- wind down: peak memory first, then stop (profiles are written on exit)
    const peakRss = rss.stop();
    const redisInfo = await info(redis, "memory");
    // A process with a debugger attached waits for it to leave before exiting.
    profiler?.close();
    perfOn = false;
    for (const p of procs.reverse()) await stop(p);
    procs.length = 0;
    const baselineAfter = await phase("baseline again", () => measureBaseline(gens as Loadgens, opts.apiWorkers, opts.baselineDuration, join(paths.logDir, "baseline.log"), env.path));
    const truth = await correctness(conn, productId);
    const loadAfter = load1();
    if (perf) log("perf: filing each phase's samples by owner …");
    const perfPhases = perf ? await perf.summarise() : [];

    return buildResult({
      runId,
      code,
      opts,
      m,
      mariadb,
      redisVersion,
      loadBefore,
      loadAfter,
      productId,
      prefix,
      topic,
      apiReadySec,
      baselineBefore,
      baselineAfter,
      signin,
      paced,
      burst,
      status,
      saleOpen,
      sale,
      saleStart,
      soldOutAt,
      stalled,
      saleSeries,
      windows,
      waiting,
      memBefore,
      memAfter,
      roomMem,
      redisInfo,
      kafkaBatches,
      allBatches,
      joinLog,
      watchersPerApiProcess,
      socketsPerApiProcess,
      watchStretchSeconds,
      redisStats: {
        joins: diffStats(statsBeforeJoin, statsAfterJoin),
        status: diffStats(statsBeforeStatus, statsAfterStatus),
        sale: diffStats(statsBeforeSale, statsAfterSale),
      },
      truth,
      peakRss,
      profiles,
      perf: perfPhases,
    });
  } finally {
    rss.stop();
    perf?.abort();
    profiler?.close();
    for (const p of procs.reverse()) await stop(p).catch(() => undefined);
    await gens?.exit().catch(() => undefined);
    await queue.close().catch(() => undefined);
    if (!opts.keep) {
      await deletePrefix(redis, prefix).catch(() => 0);
      await deleteRunTopics(env.kafkaBrokers, topic).catch(() => undefined);
    }
    redis.disconnect();
    await conn.end().catch(() => undefined);
    await dbHandle.close().catch(() => undefined);
  }
}

import type { EndpointFigures } from "./merge.js";
import type { BenchResult, CpuCost, MillionResult } from "./result.js";

/** The original Spring/Kafka/Redis/MySQL project, measured with nGrinder on 3 PCs. */
export const ORIGINAL = { peakTps: 1501, sustainedTps: 936, virtualUsers: 1000, ordersPerMin: 329.68 };

const n = (x: number) => Math.round(x).toLocaleString("en-US");
const mb = (b: number) => `${(b / 2 ** 20).toFixed(1)} MiB`;
const share = (x: number) => (x ? x.toFixed(3) : "–");
const pct = (x: number) => `${Math.round(x * 100)}%`;

/** Process-seconds at each stretch factor, e.g. "×1 31.2 s, ×4 12.0 s" (API processes summed). */
function stretchTime(seconds: Record<string, number> | undefined): string {
  const parts = Object.entries(seconds ?? {})
    .filter(([, s]) => s > 0)
    .sort((a, b) => Number(a[0]) - Number(b[0]))
    .map(([factor, s]) => `×${factor} ${s.toFixed(1)} s`);
  return parts.length ? `${parts.join(", ")} of API process time` : "not reported";
}

/** The headline rows: [figure, value, share of the bare node:http baseline]. */
export function headline(r: BenchResult): [string, string, string][] {
  const perApi = r.sseWatchersPerApiProcess.length ? ` (per API process: ${r.sseWatchersPerApiProcess.map(n).join(" / ")})` : "";
  return [
    ["bare node:http hello world (baseline)", `${n(r.baselinePerSec)} req/s (before ${n(r.baselineBeforePerSec)}, after ${n(r.baselineAfterPerSec)})`, "1"],
    ["sign-in (auth.guest)", `${n(r.signinPerSec)} /s`, share(r.ratios.signin)],
    ["joins, sustained (closed loop, whole phase)", `${n(r.joinsPerSec)} /s`, share(r.ratios.joins)],
    [
      r.joinPeakWindowMs >= 1000 || r.joinPeakWindowMs === 0
        ? "joins, best second (closed loop)"
        : `joins, best ${r.joinPeakWindowMs} ms (closed loop shorter than a second)`,
      `${n(r.joinPeakPerSec)} /s`,
      share(r.ratios.joinPeak),
    ],
    [`join latency at ${n(r.joinP99AtPerSec)}/s (p50 / p95 / p99)`, `${r.joinP50Ms} / ${r.joinP95Ms} / ${r.joinP99Ms} ms`, ""],
    ...(r.joinPacedBySecond.length > 1
      ? [["  … p99 by second of that phase", `${r.joinPacedBySecond.map((x) => n(x.p99Ms)).join(", ")} ms`, ""] as [string, string, string]]
      : []),
    ...(r.joinPacedBins.length > 0
      ? [
          [
            `  … p99 by ${r.options.pacedBinMs} ms of that phase`,
            `${r.joinPacedBins.map((x) => n(x.p99Ms)).join(", ")} ms`,
            "",
          ] as [string, string, string],
        ]
      : []),
    ["join latency, closed loop p99", `${r.joinBurstP99Ms} ms`, ""],
    ["status reads", `${n(r.statusPerSec)} /s (p99 ${r.statusP99Ms} ms)`, share(r.ratios.status)],
    ["SSE watchers held", `${n(r.sseWatchers)}${perApi}, all connected in ${r.sseOpenSec} s`, ""],
    ["SSE update delay (line moved → watcher knows), p50 / p99", `${r.sseUpdateP50Ms} / ${r.sseUpdateP99Ms} ms`, ""],
    ["SSE admission notice p99", `${r.sseAdmitNoticeP99Ms} ms`, ""],
    ["SSE events delivered, best second", `${n(r.sseEventsPerSecPeak)} /s`, ""],
    ["watchers' update intervals in the sale, by stretch", stretchTime(r.sseStretchSeconds), ""],
    ["admissions", `${n(r.admissionsPerSec)} /s mean, ${n(r.admissionsPerSecPeak)} /s best second`, ""],
    [
      "orders per minute (one product)",
      r.timeToSellOutSec !== null && r.timeToSellOutSec < 5 ? `${n(r.ordersPerMin)} (sold out in under 5 s)` : `${n(r.ordersPerMin)} mean, ${n(r.ordersPerMinPeak)} best 5 s`,
      "",
    ],
    ["time to sell out (sale opened → last unit paid)", r.timeToSellOutSec === null ? "did not sell out" : `${r.timeToSellOutSec} s`, ""],
    ["sold / stock (MySQL)", `${n(r.sold)} / ${n(r.stock)}${r.consistent ? "" : " (INCONSISTENT: sold ≠ orders)"}`, ""],
    ["oversold / duplicate orders", `${r.oversold} / ${r.duplicateOrders}`, ""],
    ["Redis bytes per waiting shopper (room keys / INFO delta)", `${n(r.redisBytesPerShopper)} / ${n(r.redisUsedMemoryDeltaPerShopper)} B`, ""],
    // A share of baseline is only fair when both phases had the same machine: say when they did not.
    ["cores the host took (steal), by phase", stolenByPhase(r.cpuCost), ""],
  ];
}

/** "baseline 0%, joins, closed loop 36%, …": each metered phase once, in run order. */
export function stolenByPhase(cpuCost: Pick<CpuCost, "phase" | "hostStolenShare">[]): string {
  const first = new Map<string, number>();
  for (const c of cpuCost) if (!first.has(c.phase)) first.set(c.phase, c.hostStolenShare);
  const parts = [...first].map(([phase, stolen]) => `${phase} ${pct(stolen)}`);
  return parts.length ? parts.join(", ") : "not measured";
}

function endpointRows(endpoints: Record<string, EndpointFigures | null>): string[] {
  const rows = ["| endpoint | ok | per second | p50 ms | p95 ms | p99 ms | max ms | errors |", "|---|---:|---:|---:|---:|---:|---:|---|"];
  for (const [name, e] of Object.entries(endpoints)) {
    if (!e) continue;
    const errors = Object.entries(e.errors)
      .map(([k, v]) => `${k}: ${v}`)
      .join(", ");
    rows.push(`| ${name} | ${n(e.ok)} | ${n(e.perSec)} | ${e.p50Ms} | ${e.p95Ms} | ${e.p99Ms} | ${e.maxMs} | ${errors || "0"} |`);
  }
  return rows;
}

export function markdown(r: BenchResult, chartFile: string): string {
  const m = r.machine;
  const o = r.options;
  const lines = [
    `# QuickDeal bench ${r.runId}`,
    "",
    `Measured ${r.measuredAt} on ${m.cores} cores (${m.cpu}), ${m.memoryGb} GB RAM, Linux ${m.kernel}, Node ${m.node}, MariaDB ${m.mariadb}, Redis ${m.redis}. ` +
      `1-minute load average ${m.loadAverage1m.before} before, ${m.loadAverage1m.after} after (the machine is shared)${stolenNote(r)}.`,
    "",
    `Code: commit ${r.code.commit}${r.code.uncommitted.length ? ` plus uncommitted changes (${r.code.uncommitted.length} files)` : ""}; API built ${r.code.apiBuiltAt ?? "?"}, queue built ${r.code.queueBuiltAt ?? "?"}.`,
    "",
    `Setup: ${r.setup.apiProcesses} API processes (lean node:http adapter, node:cluster), ${r.setup.admissionWorkers} admission worker(s), ` +
      `${r.setup.loadGenerators} load-generator processes with ${o.connections} keep-alive connections, all on this machine with MySQL, Redis and Kafka. ` +
      `${n(o.shoppers)} shoppers, ${n(o.stock)} units, capacity ${n(o.capacity)}, think time ${o.thinkMs} ms.`,
    "",
    "| figure | measured | share of bare node:http |",
    "|---|---|---:|",
    ...headline(r).map(([a, b, c]) => `| ${a} | ${b} | ${c} |`),
    "",
    `Original project (nGrinder, 3 PCs): peak ${n(ORIGINAL.peakTps)} TPS, ${n(ORIGINAL.sustainedTps)} TPS sustained with ${n(ORIGINAL.virtualUsers)} VUs, ${ORIGINAL.ordersPerMin} orders/min.`,
    "",
    `![requests/s and orders/s over the run](${chartFile})`,
    "",
    "## Latency per endpoint",
    "",
    ...endpointRows(r.endpoints),
    "",
    "Join latency at a fixed rate is counted from when each call was due (open loop), so queueing in the load generator counts.",
    "",
    "## Memory",
    "",
    `Redis: ${n(r.redis.shoppersInLine)} shoppers in line; the room's keys take ${mb(r.redis.roomKeysBytes)} (` +
      Object.entries(r.redis.prefixBytesByKind)
        .map(([k, v]) => `${k} ${mb(v)}`)
        .join(", ") +
      `); INFO used_memory ${mb(r.redis.usedMemoryBefore)} → ${mb(r.redis.usedMemoryAfterJoins)} over the joins.`,
    "",
    "| process | peak RSS |",
    "|---|---:|",
    ...Object.entries(r.peakRssBytes).map(([k, v]) => `| ${k} | ${mb(v)} |`),
    "",
    "## What the servers spent their time on",
    "",
    `Kafka: ${n(r.kafka.produceBatches)} produce requests, ${r.kafka.meanBatchSize} joins per request on average ` +
      `(join phases: ${r.kafka.joinPhaseMeanBatch}). Histogram (cumulative, le → count): ${r.kafka.buckets.map(([le, c]) => `${le}: ${n(c)}`).join(", ")}.`,
    "",
    ...r.kafka.joinLog.map((j) => `Where joins waited, ${joinLogLine(j)}.`),
    "",
  ];
  if (r.generatorLoopDelay.length) {
    lines.push(`The load generators' own event-loop delay (the worse generator; part of every latency above): ${generatorLoopLine(r)}.`, "");
  }
  if (r.cpuCost.length) {
    const groups = [...new Set(r.cpuCost.flatMap((c) => Object.keys(c.perOpUs)))];
    lines.push(
      "CPU time per operation (µs, from /proc; other tenants = busy CPU outside the bench's processes and services; host took = the hypervisor's steal, a share of all cores, counted in busy and in other tenants):",
      "",
      `| phase | ops | ${groups.join(" | ")} | machine busy | host took | other tenants |`,
      `|---|---:|${groups.map(() => "---:").join("|")}|---:|---:|---:|`,
    );
    for (const c of r.cpuCost) {
      lines.push(`| ${c.phase} (per ${c.per}) | ${n(c.ops)} | ${groups.map((g) => (c.perOpUs[g] !== undefined ? n(c.perOpUs[g]) : "")).join(" | ")} | ${pct(c.machineBusyShare)} | ${pct(c.hostStolenShare)} | ${c.otherTenantsCpuSec} s |`);
    }
    lines.push("");
  }
  for (const [phase, rows] of Object.entries(r.redis.commandstats)) {
    lines.push(`Redis INFO commandstats during ${phase} (whole server; Lua's inner commands are counted too):`, "");
    lines.push("| command | calls | µs total | µs/call |", "|---|---:|---:|---:|");
    for (const c of rows) lines.push(`| ${c.command} | ${n(c.calls)} | ${n(c.usec)} | ${c.usecPerCall} |`);
    lines.push("");
  }
  for (const { phase, summaries } of r.profiles) {
    // The busiest process of the phase stands for its kind (the API workers look alike).
    const shown = [summaries.find((s) => s.file.includes("-api-")), summaries.find((s) => s.file.includes("-worker-"))];
    for (const p of shown) {
      if (!p || p.busyMs < 50) continue;
      lines.push(`CPU profile, ${phase}, ${p.file}: ${n(p.busyMs)} ms busy of ${n(p.totalMs)} ms. By component: ${p.byComponent.slice(0, 10).map((c) => `${c.component} ${c.share}%`).join(", ")}.`, "");
      lines.push("| function | where | self ms | share |", "|---|---|---:|---:|");
      for (const f of p.top.slice(0, 12)) lines.push(`| ${f.fn} | ${f.where} | ${n(f.ms)} | ${f.share}% |`);
      lines.push("");
    }
  }
  if (r.perf.length > 0) {
    lines.push("perf (CPU time only, kernel included), the largest owners by the nearest JavaScript frame:", "");
    lines.push("| phase | processes | samples | owners |", "|---|---|---:|---|");
    for (const p of r.perf) lines.push(`| ${p.phase} | ${p.group} | ${n(p.samples)} | ${perfOwnersLine(p, 8)} |`);
    lines.push("", `Tables with the top functions: ${[...new Set(r.perf.map((p) => p.file))].join(", ")} (in the run's profiles folder).`, "");
  }
  return `${lines.join("\n")}\n`;
}

/** The phase the hypervisor took most from, if it took any: that phase ran on a slower machine. */
function stolenNote(r: BenchResult): string {
  const worst = r.cpuCost.reduce<CpuCost | null>((w, c) => (c.hostStolenShare > (w?.hostStolenShare ?? 0) ? c : w), null);
  return worst ? `; the host took up to ${pct(worst.hostStolenShare)} of the cores (${worst.phase})` : "";
}

function perfOwnersLine(p: BenchResult["perf"][number], top: number): string {
  return p.owners
    .slice(0, top)
    .map((o) => `${o.owner} ${(o.share * 100).toFixed(1)} %`)
    .join(", ");
}

function generatorLoopLine(r: BenchResult): string {
  return r.generatorLoopDelay.map((g) => `${g.phase} ${g.p99Ms} / ${g.maxMs} ms`).join(", ");
}

/** Where a join phase's joins waited on Kafka (the API's histograms: p99 is a bucket bound). */
function joinLogLine(j: BenchResult["kafka"]["joinLog"][number]): string {
  return (
    `${j.phase}: ${n(j.produceRequests)} produce requests, lingered ${j.lingerMeanMs ?? "-"} ms and took ${j.produceMeanMs ?? "-"} ms on average (round trip p99 ≤ ${j.produceP99AtMostMs ?? "∞"} ms); ` +
    `a join waited for Kafka ${j.waitMeanMs ?? "-"} ms on average (p99 ≤ ${j.waitP99AtMostMs ?? "∞"} ms) ` +
    `of ${j.procedureMeanMs ?? "-"} ms in the procedure (p99 ≤ ${j.procedureP99AtMostMs ?? "∞"} ms)`
  );
}

export function consoleTable(r: BenchResult): string {
  const rows = headline(r);
  const w1 = Math.max(...rows.map((x) => x[0].length));
  const w2 = Math.max(...rows.map((x) => x[1].length));
  const out = [`${"figure".padEnd(w1)}  ${"measured".padEnd(w2)}  share of baseline`, `${"-".repeat(w1)}  ${"-".repeat(w2)}  -----------------`];
  for (const [a, b, c] of rows) out.push(`${a.padEnd(w1)}  ${b.padEnd(w2)}  ${c}`);
  const e = Object.entries(r.endpoints).filter(([, v]) => v);
  out.push("", "endpoint latency (ms): p50 / p95 / p99 / max, errors");
  for (const [name, v] of e) {
    if (!v) continue;
    const errs = Object.entries(v.errors)
      .map(([k, c]) => `${k}:${c}`)
      .join(" ");
    out.push(`  ${name.padEnd(30)} ${n(v.ok).padStart(8)} ok ${n(v.perSec).padStart(7)}/s  ${v.p50Ms} / ${v.p95Ms} / ${v.p99Ms} / ${v.maxMs}  ${errs}`);
  }
  if (r.cpuCost.length) {
    out.push("", "CPU µs per operation (from /proc):");
    for (const c of r.cpuCost) {
      const parts = Object.entries(c.perOpUs)
        .map(([g, us]) => `${g} ${n(us)}`)
        .join(", ");
      out.push(`  ${`${c.phase} (per ${c.per})`.padEnd(34)} ${parts}; machine ${pct(c.machineBusyShare)} busy (host took ${pct(c.hostStolenShare)}), others ${c.otherTenantsCpuSec} s`);
    }
  }
  if (r.kafka.joinLog.length) {
    out.push("", "where joins waited (API histograms), per join phase:", ...r.kafka.joinLog.map((j) => `  ${joinLogLine(j)}`));
  }
  // Phases where the API hardly ran (a few samples) are in the Markdown and the text files.
  const apiPerf = r.perf.filter((p) => p.group === "API workers" && p.samples >= 100);
  if (apiPerf.length) {
    out.push("", "who asked for the API workers' CPU (perf), per phase:", ...apiPerf.map((p) => `  ${`${p.phase} (${n(p.samples)} samples)`.padEnd(34)} ${perfOwnersLine(p, 6)}`));
  }
  if (r.generatorLoopDelay.length) out.push("", `load generators' event-loop delay, p99 / max: ${generatorLoopLine(r)}`);
  out.push("", "peak RSS:", ...Object.entries(r.peakRssBytes).map(([k, v]) => `  ${k.padEnd(30)} ${mb(v)}`));
  return out.join("\n");
}

export function millionMarkdown(r: MillionResult): string {
  const m = r.machine;
  return `# QuickDeal bench ${r.runId}: ${n(r.shoppers)} shoppers in one line

Measured ${r.measuredAt} on ${m.cores} cores (${m.cpu}), Node ${m.node}, Redis ${m.redis}; load average ${m.loadAverage1m.before} → ${m.loadAverage1m.after}.

Method: ${r.method}

| figure | measured |
|---|---|
| shoppers queued | ${n(r.shoppers)} |
| joins/s (Redis join script, joins arriving together in one call, no HTTP, no Kafka) | ${n(r.joinsPerSec)} |
| CPU per join: Redis / this client | ${r.redisCpuUsPerJoin} / ${r.clientCpuUsPerJoin} µs |
| room keys (MEMORY USAGE) | ${r.roomKeysMb} MiB, ${n(r.redisBytesPerShopper)} B per shopper |
| INFO used_memory delta | ${r.usedMemoryMb} MiB, ${n(r.redisUsedMemoryDeltaPerShopper)} B per shopper |
| by key | ${Object.entries(r.bytesByKey)
    .map(([k, v]) => `${k}: ${mb(v)}`)
    .join(", ")} |
| encodings | ${Object.entries(r.hashEncoding)
    .map(([k, v]) => `${k}: ${v}`)
    .join(", ")} |
`;
}

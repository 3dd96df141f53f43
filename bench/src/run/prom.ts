import { get } from "node:http";

/** One Prometheus sample line: name, labels, value. */
export interface Sample {
  name: string;
  labels: Record<string, string>;
  value: number;
}

export function parseProm(text: string): Sample[] {
  const out: Sample[] = [];
  for (const line of text.split("\n")) {
    if (!line || line.startsWith("#")) continue;
    const m = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(\{([^}]*)\})?\s+(\S+)/.exec(line);
    if (!m) continue;
    const labels: Record<string, string> = {};
    for (const l of (m[3] ?? "").matchAll(/([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"/g)) labels[l[1] as string] = l[2] as string;
    out.push({ name: m[1] as string, labels, value: Number(m[4]) });
  }
  return out;
}

export function value(samples: Sample[], name: string, labels: Record<string, string> = {}): number {
  return samples
    .filter((s) => s.name === name && Object.entries(labels).every(([k, v]) => s.labels[k] === v))
    .reduce((sum, s) => sum + s.value, 0);
}

/**
 * A labelled counter summed over processes, by one label's value, as it moved between two scrapes
 * of the same processes (`later` minus `earlier`; values that did not move are left out).
 */
export function counterMovedBy(later: Sample[][], earlier: Sample[][], name: string, label: string): Record<string, number> {
  const sum = (scrapes: Sample[][]) => {
    const out = new Map<string, number>();
    for (const s of scrapes.flat()) {
      if (s.name !== name) continue;
      const key = s.labels[label] ?? "";
      out.set(key, (out.get(key) ?? 0) + s.value);
    }
    return out;
  };
  const before = sum(earlier);
  const moved: Record<string, number> = {};
  for (const [key, v] of sum(later)) {
    const d = v - (before.get(key) ?? 0);
    if (d > 0) moved[key] = d;
  }
  return moved;
}

export interface PromHistogram {
  count: number;
  sum: number;
  /** Cumulative counts per upper bound. */
  buckets: [string, number][];
}

/** A histogram summed over its label sets, or over those matching `labels`. */
export function histogram(samples: Sample[], name: string, labels: Record<string, string> = {}): PromHistogram {
  const buckets = new Map<string, number>();
  const wanted = Object.entries(labels);
  for (const s of samples) {
    if (s.name !== `${name}_bucket` || !wanted.every(([k, v]) => s.labels[k] === v)) continue;
    const le = s.labels.le ?? "+Inf";
    buckets.set(le, (buckets.get(le) ?? 0) + s.value);
  }
  return { count: value(samples, `${name}_count`, labels), sum: value(samples, `${name}_sum`, labels), buckets: [...buckets.entries()] };
}

export function mergeHistograms(list: PromHistogram[]): PromHistogram {
  const buckets = new Map<string, number>();
  for (const h of list) for (const [le, n] of h.buckets) buckets.set(le, (buckets.get(le) ?? 0) + n);
  return { count: list.reduce((s, h) => s + h.count, 0), sum: list.reduce((s, h) => s + h.sum, 0), buckets: [...buckets.entries()] };
}

/** What happened between two scrapes of the same processes (`later` minus `earlier`). */
export function diffHistograms(later: PromHistogram, earlier: PromHistogram): PromHistogram {
  const before = new Map(earlier.buckets);
  return {
    count: later.count - earlier.count,
    sum: later.sum - earlier.sum,
    buckets: later.buckets.map(([le, n]) => [le, n - (before.get(le) ?? 0)]),
  };
}

/** Mean and the bucket bound at or below which a share `q` of the observations fell (Prometheus histograms hold no more). */
export function summariseHistogram(h: PromHistogram, q = 0.99): { count: number; mean: number; quantileLe: number } {
  if (h.count <= 0) return { count: 0, mean: 0, quantileLe: 0 };
  const bounds = h.buckets
    .map(([le, n]) => [le === "+Inf" ? Number.POSITIVE_INFINITY : Number(le), n] as const)
    .sort((a, b) => a[0] - b[0]);
  const needed = q * h.count;
  const hit = bounds.find(([, n]) => n >= needed);
  return { count: h.count, mean: h.sum / h.count, quantileLe: hit ? hit[0] : Number.POSITIVE_INFINITY };
}

function fetchOnce(url: string): Promise<string> {
  return new Promise((resolve, reject) => {
    // A fresh connection each time (agent: false), so the cluster hands it to the next worker.
    const req = get(url, { agent: false, timeout: 5000 }, (res) => {
      let body = "";
      res.setEncoding("utf8");
      res.on("data", (d: string) => {
        body += d;
      });
      res.on("end", () => resolve(body));
    });
    req.on("timeout", () => req.destroy(new Error("metrics timeout")));
    req.on("error", reject);
  });
}

/**
 * /metrics of every process behind one clustered port: scrapes over new connections (the cluster
 * hands each to the next worker) until `processes` different processes answered. Processes are
 * told apart by their call counters, which do not move while the load generators are idle
 * between phases (prom-client's start time has only one-second resolution).
 */
export async function scrapeProcesses(url: string, processes: number): Promise<Sample[][]> {
  const seen = new Map<string, Sample[]>();
  for (let i = 0; i < processes * 12 && seen.size < processes; i++) {
    try {
      const samples = parseProm(await fetchOnce(url));
      const fingerprint = samples
        .filter((s) => s.name === "qd_api_calls_total" || s.name === "process_start_time_seconds")
        .map((s) => `${s.name}${JSON.stringify(s.labels)}=${s.value}`)
        .sort()
        .join(";");
      if (!seen.has(fingerprint)) seen.set(fingerprint, samples);
    } catch {
      // a worker busy restarting: try the next connection
    }
  }
  return [...seen.values()];
}

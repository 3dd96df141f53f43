// The operator chart's points: server history merged with the live samples the page takes itself.

export interface ChartPoint {
  at: number;
  joined?: number | undefined;
  waiting: number;
  admitted: number;
  sold: number;
}

/** Appends a sample, keeping time order, dropping duplicates within `minGapMs`, and at most `keep` points. */
export function addPoint(points: readonly ChartPoint[], p: ChartPoint, keep = 600, minGapMs = 500): ChartPoint[] {
  const last = points[points.length - 1];
  if (last && p.at < last.at) return [...points];
  if (last && p.at - last.at < minGapMs) {
    // Same instant: the newer sample wins, keeping a known "joined" when the new one lacks it.
    return [...points.slice(0, -1), { ...p, joined: p.joined ?? last.joined }];
  }
  const out = [...points, p];
  return out.length > keep ? out.slice(out.length - keep) : out;
}

/** Server history first (sorted), then live samples after it. */
export function mergeSeries(history: readonly ChartPoint[], live: readonly ChartPoint[]): ChartPoint[] {
  let out: ChartPoint[] = [];
  for (const p of [...history].sort((a, b) => a.at - b.at)) out = addPoint(out, p);
  for (const p of live) out = addPoint(out, p);
  return out;
}

export function clockLabel(ms: number): string {
  const d = new Date(ms);
  return `${String(d.getHours()).padStart(2, "0")}:${String(d.getMinutes()).padStart(2, "0")}:${String(d.getSeconds()).padStart(2, "0")}`;
}

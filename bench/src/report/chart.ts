/**
 * The run as a picture, like the original project's TPS graphs: requests/s per endpoint on top,
 * orders/s and admissions/s below, phases shaded. Plain SVG text built from the time series.
 */
import type { SeriesJson } from "../stats/series.js";
import type { PhaseWindow } from "./result.js";

export interface Line {
  label: string;
  color: string;
  /** [seconds since start, value] */
  points: [number, number][];
}

const W = 1000;
const PANEL_H = 230;
const LEFT = 70;
const RIGHT = 20;
const TOP = 40;
const GAP = 60;

const esc = (s: string) => s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");

/** A round step so that about `n` ticks cover `max`. */
export function niceStep(max: number, n = 5): number {
  if (max <= 0) return 1;
  const raw = max / n;
  const mag = 10 ** Math.floor(Math.log10(raw));
  const f = raw / mag;
  return (f <= 1 ? 1 : f <= 2 ? 2 : f <= 5 ? 5 : 10) * mag;
}

function fmt(v: number): string {
  if (v >= 1_000_000) return `${Math.round(v / 100_000) / 10}M`;
  if (v >= 10_000) return `${Math.round(v / 1000)}k`;
  if (v >= 1000) return `${Math.round(v / 100) / 10}k`;
  return String(Math.round(v * 10) / 10);
}

function panel(y0: number, title: string, lines: Line[], spanSec: number, phases: { name: string; from: number; to: number }[]): string {
  const plotW = W - LEFT - RIGHT;
  const max = Math.max(1, ...lines.flatMap((l) => l.points.map((p) => p[1])));
  const step = niceStep(max);
  const top = Math.ceil(max / step) * step;
  const x = (s: number) => LEFT + (s / Math.max(1, spanSec)) * plotW;
  const y = (v: number) => y0 + PANEL_H - (v / top) * PANEL_H;
  const out: string[] = [];
  out.push(`<text x="${LEFT}" y="${y0 - 8}" font-size="14" font-weight="bold">${esc(title)}</text>`);
  phases.forEach((p, i) => {
    if (i % 2 === 0) out.push(`<rect x="${x(p.from).toFixed(1)}" y="${y0}" width="${Math.max(1, x(p.to) - x(p.from)).toFixed(1)}" height="${PANEL_H}" fill="#f2f4f7"/>`);
  });
  for (let v = 0; v <= top + 1e-9; v += step) {
    out.push(`<line x1="${LEFT}" x2="${W - RIGHT}" y1="${y(v).toFixed(1)}" y2="${y(v).toFixed(1)}" stroke="#dde" stroke-width="1"/>`);
    out.push(`<text x="${LEFT - 6}" y="${(y(v) + 4).toFixed(1)}" font-size="11" text-anchor="end" fill="#555">${fmt(v)}</text>`);
  }
  const tStep = niceStep(spanSec, 10);
  for (let s = 0; s <= spanSec + 1e-9; s += tStep) {
    out.push(`<text x="${x(s).toFixed(1)}" y="${y0 + PANEL_H + 14}" font-size="11" text-anchor="middle" fill="#555">${fmt(s)}s</text>`);
  }
  out.push(`<rect x="${LEFT}" y="${y0}" width="${plotW}" height="${PANEL_H}" fill="none" stroke="#889"/>`);
  for (const l of lines) {
    if (l.points.length === 0) continue;
    const d = l.points.map(([s, v], i) => `${i ? "L" : "M"}${x(s).toFixed(1)},${y(v).toFixed(1)}`).join("");
    out.push(`<path d="${d}" fill="none" stroke="${l.color}" stroke-width="1.8"/>`);
  }
  let lx = LEFT + 10;
  for (const l of lines) {
    out.push(`<rect x="${lx}" y="${y0 + 8}" width="12" height="3" fill="${l.color}"/>`);
    out.push(`<text x="${lx + 16}" y="${y0 + 13}" font-size="11">${esc(l.label)}</text>`);
    lx += 24 + l.label.length * 6.2;
  }
  return out.join("\n");
}

const REQUEST_LINES: [string, string, string][] = [
  ["baseline", "bare node:http", "#9aa5b1"],
  ["signin", "auth.guest", "#8e44ad"],
  ["join", "queue.join", "#d35400"],
  ["status", "queue.status", "#2980b9"],
  ["watch", "queue.watch opened", "#16a085"],
  ["checkout", "payment.checkout", "#c0392b"],
];

/** Builds the SVG from the merged per-second series and the phase windows. */
export function renderChart(title: string, series: SeriesJson, phases: PhaseWindow[]): string {
  const start = Math.floor(Math.min(...phases.map((p) => p.start), ...series.map(([s]) => s * 1000)) / 1000);
  const end = Math.ceil(Math.max(...phases.map((p) => p.end), ...series.map(([s]) => s * 1000 + 1000)) / 1000);
  const span = Math.max(1, end - start);
  const rows = new Map(series);
  const line = (name: string, label: string, color: string): Line => {
    const points: [number, number][] = [];
    let any = false;
    for (let s = start; s <= end; s++) {
      const v = rows.get(s)?.[name] ?? 0;
      if (v > 0) any = true;
      points.push([s - start + 0.5, v]);
    }
    return { label, color, points: any ? points : [] };
  };
  const requests = REQUEST_LINES.map(([n, l, c]) => line(n, l, c)).filter((l) => l.points.length);
  const sales = [line("order", "orders/s (paid)", "#c0392b"), line("admitted", "admissions/s", "#27ae60")].filter((l) => l.points.length);
  const bands = phases.map((p) => ({ name: p.name, from: p.start / 1000 - start, to: p.end / 1000 - start }));
  const h = TOP + PANEL_H * 2 + GAP + 70;
  const labels = bands
    .map((b, i) => {
      const mid = LEFT + (((b.from + b.to) / 2) / span) * (W - LEFT - RIGHT);
      return `<text x="${mid.toFixed(1)}" y="${h - 12 - (i % 2) * 13}" font-size="10" text-anchor="middle" fill="#445">${esc(b.name)}</text>`;
    })
    .join("\n");
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${h}" viewBox="0 0 ${W} ${h}" font-family="sans-serif">`,
    `<rect width="${W}" height="${h}" fill="#fff"/>`,
    `<text x="${W / 2}" y="20" font-size="15" text-anchor="middle">${esc(title)}</text>`,
    panel(TOP + 10, "requests/s (successful)", requests, span, bands),
    panel(TOP + 10 + PANEL_H + GAP, "orders/s and admissions/s", sales, span, bands),
    labels,
    "</svg>",
  ].join("\n");
}

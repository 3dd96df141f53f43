import type { ReactNode } from "react";
import { formatDuration } from "@/lib/format";
import { SALE_LABEL, type SaleState, stockBadge } from "@/lib/sale";

export function Spinner({ label = "Loading" }: { label?: string }) {
  return (
    <span role="status" className="inline-flex items-center gap-2 text-sm text-slate-500">
      <span className="h-4 w-4 animate-spin rounded-full border-2 border-slate-300 border-t-brand-600" aria-hidden />
      <span>{label}…</span>
    </span>
  );
}

export function ErrorBox({ children, testId = "error" }: { children: ReactNode; testId?: string }) {
  return (
    <div role="alert" data-testid={testId} className="rounded-xl border border-red-200 bg-red-50 px-4 py-3 text-sm text-red-800">
      {children}
    </div>
  );
}

export function Notice({ children, testId, tone = "info" }: { children: ReactNode; testId?: string; tone?: "info" | "warn" | "ok" }) {
  const tones = {
    info: "border-sky-200 bg-sky-50 text-sky-900",
    warn: "border-amber-200 bg-amber-50 text-amber-900",
    ok: "border-emerald-200 bg-emerald-50 text-emerald-900",
  } as const;
  return (
    <div role="status" data-testid={testId} className={`rounded-xl border px-4 py-3 text-sm ${tones[tone]}`}>
      {children}
    </div>
  );
}

const STATE_TONE: Record<SaleState, string> = {
  on_sale: "bg-emerald-100 text-emerald-800",
  upcoming: "bg-sky-100 text-sky-800",
  sold_out: "bg-slate-800 text-white",
  ended: "bg-slate-200 text-slate-700",
};

export function SaleBadge({ state, testId = "sale-state" }: { state: SaleState; testId?: string }) {
  return (
    <span data-testid={testId} data-state={state} className={`rounded-full px-2.5 py-0.5 text-xs font-semibold ${STATE_TONE[state]}`}>
      {SALE_LABEL[state]}
    </span>
  );
}

export function StockBadge({
  stockLeft,
  initialStock,
  inCheckout = 0,
  testId = "stock-badge",
}: { stockLeft: number; initialStock: number; inCheckout?: number; testId?: string }) {
  const b = stockBadge(stockLeft, initialStock, inCheckout);
  const tone = b.tone === "out" ? "bg-slate-100 text-slate-600" : b.tone === "low" ? "bg-amber-100 text-amber-900" : "bg-slate-100 text-slate-700";
  return (
    <span data-testid={testId} data-stock={stockLeft} className={`rounded-full px-2.5 py-0.5 text-xs font-semibold tabular-nums ${tone}`}>
      {b.text}
    </span>
  );
}

export function SaleCountdown({ label, msLeft, testId = "sale-countdown" }: { label: string | null; msLeft: number | null; testId?: string }) {
  if (label === null || msLeft === null) return null;
  return (
    <span data-testid={testId} className="text-xs font-medium text-slate-600 tabular-nums">
      {label} <time>{formatDuration(msLeft)}</time>
    </span>
  );
}

export function PageTitle({ children, sub }: { children: ReactNode; sub?: ReactNode }) {
  return (
    <div className="mb-6">
      <h1 className="text-2xl font-bold tracking-tight text-slate-900 sm:text-3xl">{children}</h1>
      {sub ? <p className="mt-1 text-slate-600">{sub}</p> : null}
    </div>
  );
}

export function ProgressBar({ value, label, testId = "progress" }: { value: number; label: string; testId?: string }) {
  const v = Math.max(0, Math.min(100, Math.round(value)));
  return (
    <div
      role="progressbar"
      aria-label={label}
      aria-valuemin={0}
      aria-valuemax={100}
      aria-valuenow={v}
      data-testid={testId}
      className="h-3 w-full overflow-hidden rounded-full bg-slate-200"
    >
      <div className="h-full rounded-full bg-gradient-to-r from-brand-500 to-orange-400 transition-[width] duration-700" style={{ width: `${v}%` }} />
    </div>
  );
}

// Pure formatting helpers shared by pages; unit-tested, no React.

/** "$249.00" from minor units (cents) and an ISO currency code. */
export function formatMoney(minor: number, currency = "USD", locale = "en-US"): string {
  const digits = currencyDigits(currency);
  return new Intl.NumberFormat(locale, {
    style: "currency",
    currency,
    minimumFractionDigits: digits,
    maximumFractionDigits: digits,
  }).format(minor / 10 ** digits);
}

const ZERO_DECIMAL = new Set(["JPY", "KRW", "VND", "CLP", "ISK", "HUF", "TWD", "UGX"]);

function currencyDigits(currency: string): number {
  return ZERO_DECIMAL.has(currency.toUpperCase()) ? 0 : 2;
}

/** A clock-style countdown: "4:05", "1:02:03"; never negative. */
export function formatCountdown(ms: number): string {
  const total = Math.max(0, Math.ceil(ms / 1000));
  const h = Math.floor(total / 3600);
  const m = Math.floor((total % 3600) / 60);
  const s = total % 60;
  const ss = String(s).padStart(2, "0");
  if (h > 0) return `${h}:${String(m).padStart(2, "0")}:${ss}`;
  return `${m}:${ss}`;
}

/** A human countdown for longer spans: "2d 3h", "3h 12m", "12m 05s", "45s". */
export function formatDuration(ms: number): string {
  const total = Math.max(0, Math.ceil(ms / 1000));
  const d = Math.floor(total / 86400);
  const h = Math.floor((total % 86400) / 3600);
  const m = Math.floor((total % 3600) / 60);
  const s = total % 60;
  if (d > 0) return `${d}d ${h}h`;
  if (h > 0) return `${h}h ${m}m`;
  if (m > 0) return `${m}m ${String(s).padStart(2, "0")}s`;
  return `${s}s`;
}

/** The waiting room's estimate: "less than a minute", "about 3 minutes", "about 1 h 20 min"; null → unknown. */
export function formatEta(etaSec: number | null | undefined): string {
  if (etaSec == null || !Number.isFinite(etaSec) || etaSec < 0) return "Estimating…";
  if (etaSec < 60) return "less than a minute";
  const minutes = Math.round(etaSec / 60);
  if (minutes < 60) return `about ${minutes} minute${minutes === 1 ? "" : "s"}`;
  const h = Math.floor(minutes / 60);
  const m = minutes % 60;
  return m === 0 ? `about ${h} h` : `about ${h} h ${m} min`;
}

/** "1 person" / "3 people". */
export function people(n: number): string {
  return `${n} ${n === 1 ? "person" : "people"}`;
}

/** "No one is ahead of you" / "1 person is ahead of you" / "12 people are ahead of you". */
export function aheadText(ahead: number): string {
  if (ahead <= 0) return "You're next in line";
  return ahead === 1 ? "1 person is ahead of you" : `${ahead.toLocaleString("en-US")} people are ahead of you`;
}

/** Epoch ms from the shapes our API sends (ISO string, epoch number, Date); null when absent or invalid. */
export function toMs(t: string | number | Date | null | undefined): number | null {
  if (t == null) return null;
  const ms = t instanceof Date ? t.getTime() : typeof t === "number" ? t : Date.parse(t);
  return Number.isFinite(ms) ? ms : null;
}

/** "Nov 25, 6:30 PM" in the visitor's locale and zone. */
export function formatDateTime(t: string | number | Date, locale = "en-US"): string {
  const ms = toMs(t);
  if (ms === null) return "";
  return new Intl.DateTimeFormat(locale, { month: "short", day: "numeric", hour: "numeric", minute: "2-digit" }).format(ms);
}

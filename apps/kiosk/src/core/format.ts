/** Money and time as a shopper reads them; pure, so the renderer and receipts agree. */

const moneyFormats = new Map<string, Intl.NumberFormat>();

function moneyFormat(locale: string, currency: string): Intl.NumberFormat {
  const k = `${locale}|${currency}`;
  let f = moneyFormats.get(k);
  if (!f) {
    f = new Intl.NumberFormat(locale, { style: "currency", currency });
    moneyFormats.set(k, f);
  }
  return f;
}

/** Minor units (cents) to a price, with the currency's own number of decimals (JPY has none). */
export function formatMoney(minor: number, currency: string, locale = "en-US"): string {
  const f = moneyFormat(locale, currency);
  const digits = f.resolvedOptions().maximumFractionDigits ?? 2;
  return f.format(minor / 10 ** digits);
}

/** "about 3 min", "under a minute", or null while the rate is unknown. */
export function formatEta(etaSec: number | null): string | null {
  if (etaSec === null || !Number.isFinite(etaSec) || etaSec < 0) return null;
  if (etaSec < 60) return "under a minute";
  const min = Math.round(etaSec / 60);
  if (min < 60) return `about ${min} min`;
  const h = Math.floor(min / 60);
  const m = min % 60;
  return m === 0 ? `about ${h} h` : `about ${h} h ${m} min`;
}

/** m:ss for a hold's countdown. */
export function formatCountdown(ms: number): string {
  const total = Math.max(0, Math.ceil(ms / 1000));
  const m = Math.floor(total / 60);
  const s = total % 60;
  return `${m}:${String(s).padStart(2, "0")}`;
}

export function formatDateTime(iso: string, locale = "en-US"): string {
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return iso;
  return new Intl.DateTimeFormat(locale, { dateStyle: "medium", timeStyle: "short" }).format(d);
}

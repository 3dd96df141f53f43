// Live sale state on the client: the server's snapshot plus the clock, so a card flips from
// "upcoming" to "on sale" (or to "ended") the moment its time comes without a refetch.
import { toMs } from "./format";

export type SaleState = "upcoming" | "on_sale" | "sold_out" | "ended";

export interface SaleInfo {
  stockLeft: number;
  saleStartsAt: string | number | Date;
  saleEndsAt: string | number | Date | null;
  saleState?: SaleState;
}

export function liveSaleState(p: SaleInfo, now: number): SaleState {
  const ends = toMs(p.saleEndsAt);
  const starts = toMs(p.saleStartsAt);
  if (ends !== null && ends <= now) return "ended";
  if (starts !== null && starts > now) return "upcoming";
  // The server knows whether units are merely held in checkout (they may come back) or gone:
  // its word decides; stock alone decides only for data without a sale state.
  if (p.saleState !== undefined ? p.saleState === "sold_out" : p.stockLeft <= 0) return "sold_out";
  return "on_sale";
}

export interface SaleClock {
  state: SaleState;
  /** What the countdown counts to, or null when nothing is pending. */
  label: string | null;
  msLeft: number | null;
}

/** What a card's countdown shows: time to the start when upcoming, to the end when on sale. */
export function saleClock(p: SaleInfo, now: number): SaleClock {
  const state = liveSaleState(p, now);
  const starts = toMs(p.saleStartsAt);
  const ends = toMs(p.saleEndsAt);
  if (state === "upcoming" && starts !== null) return { state, label: "Starts in", msLeft: starts - now };
  if (state === "on_sale" && ends !== null) return { state, label: "Ends in", msLeft: ends - now };
  return { state, label: null, msLeft: null };
}

export const SALE_LABEL: Record<SaleState, string> = {
  upcoming: "Coming soon",
  on_sale: "On sale",
  sold_out: "Sold out",
  ended: "Sale ended",
};

/** Stock badge text and tone: urgency when little is left. */
export function stockBadge(stockLeft: number, initialStock: number, inCheckout = 0): { text: string; tone: "ok" | "low" | "out" } {
  if (stockLeft <= 0) return inCheckout > 0 ? { text: "All held in checkout", tone: "low" } : { text: "Sold out", tone: "out" };
  const low = stockLeft <= Math.max(5, Math.ceil(initialStock * 0.1));
  return { text: low ? `Only ${stockLeft} left` : `${stockLeft} left`, tone: low ? "low" : "ok" };
}

/** Share sold, 0..100, for a stock bar. */
export function soldPercent(stockLeft: number, initialStock: number): number {
  if (initialStock <= 0) return 100;
  return Math.min(100, Math.max(0, Math.round(((initialStock - stockLeft) / initialStock) * 100)));
}

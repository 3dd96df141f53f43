import QRCode from "qrcode";
import type { OrderView, ProductCard } from "./api.js";
import { formatDateTime, formatMoney } from "./format.js";

export interface ReceiptLine {
  label: string;
  value: string;
}

export interface Receipt {
  orderId: number;
  title: string;
  lines: ReceiptLine[];
  /** What the QR code says; store staff scan it to find the order. */
  qrText: string;
  /** The QR code as an SVG document (shown as an image; no script, no external references). */
  qrSvg: string;
  footer: string;
}

/** The QR payload for an order: a short, unambiguous URI a store scanner can parse. */
export function orderQrText(orderId: number): string {
  return `quickdeal:order:${orderId}`;
}

/** Card payment references are shown shortened: enough to match a bank statement line. */
function shortRef(ref: string | null): string | null {
  if (!ref) return null;
  return ref.length > 12 ? `…${ref.slice(-8)}` : ref;
}

/** The receipt's text, without the QR image (pure and synchronous). */
export function receiptLines(
  order: OrderView,
  product: Pick<ProductCard, "name">,
  kiosk: { store: string; name: string } | null,
  locale = "en-US",
): Omit<Receipt, "qrSvg"> {
  const lines: ReceiptLine[] = [
    { label: "Order", value: `#${order.id}` },
    { label: "Item", value: order.productName || product.name },
    { label: "Paid", value: formatMoney(order.amountMinor, order.currency, locale) },
    { label: "Status", value: order.status === "PAID" ? "Paid" : "Pending" },
    { label: "Date", value: formatDateTime(order.createdAt, locale) },
  ];
  const ref = shortRef(order.paymentRef);
  if (ref) lines.push({ label: "Payment ref", value: ref });
  if (kiosk) lines.push({ label: "Kiosk", value: `${kiosk.store} · ${kiosk.name}` });
  return {
    orderId: order.id,
    title: "Thank you!",
    lines,
    qrText: orderQrText(order.id),
    footer: "Show this code at the pick-up counter to collect your item.",
  };
}

/** The full receipt, with the order id as a QR code. */
export async function buildReceipt(
  order: OrderView,
  product: Pick<ProductCard, "name">,
  kiosk: { store: string; name: string } | null,
  locale = "en-US",
): Promise<Receipt> {
  const text = receiptLines(order, product, kiosk, locale);
  const qrSvg = await QRCode.toString(text.qrText, { type: "svg", errorCorrectionLevel: "M", margin: 2, width: 240 });
  return { ...text, qrSvg };
}

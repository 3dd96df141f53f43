import { describe, expect, it } from "vitest";
import { formatCountdown, formatEta, formatMoney } from "../src/core/format.js";
import { buildReceipt, orderQrText, receiptLines } from "../src/core/receipt.js";
import { order, product } from "./fixtures.js";

describe("receipt", () => {
  it("lists the order, item, amount and kiosk, and encodes the order id for the QR code", () => {
    const r = receiptLines(order(), product(), { store: "Main St", name: "Door" });
    expect(r.orderId).toBe(42);
    expect(r.qrText).toBe("quickdeal:order:42");
    expect(Object.fromEntries(r.lines.map((l) => [l.label, l.value]))).toMatchObject({
      Order: "#42",
      Item: "Hot Thing",
      Paid: "$19.99",
      Status: "Paid",
      "Payment ref": "…89abcdef",
      Kiosk: "Main St · Door",
    });
  });

  it("renders the QR code as a plain SVG with no script or external reference", async () => {
    const r = await buildReceipt(order({ id: 123456 }), product(), null);
    expect(r.qrSvg.startsWith("<svg")).toBe(true);
    expect(r.qrSvg).not.toMatch(/<script|href=|xlink/i);
    expect(r.lines.some((l) => l.label === "Kiosk")).toBe(false);
    expect(orderQrText(123456)).toBe("quickdeal:order:123456");
  });
});

describe("formatting", () => {
  it("formats money in the currency's minor units", () => {
    expect(formatMoney(1999, "USD")).toBe("$19.99");
    expect(formatMoney(1999, "JPY", "en-US")).toBe("¥1,999");
    expect(formatMoney(1999, "EUR", "de-DE")).toMatch(/19,99\s€/);
  });

  it("phrases ETAs and countdowns", () => {
    expect(formatEta(null)).toBeNull();
    expect(formatEta(20)).toBe("under a minute");
    expect(formatEta(150)).toBe("about 3 min");
    expect(formatEta(2 * 3600)).toBe("about 2 h");
    expect(formatCountdown(61_000)).toBe("1:01");
    expect(formatCountdown(-5)).toBe("0:00");
  });
});

import { describe, expect, it } from "vitest";
import { aheadText, formatCountdown, formatDuration, formatEta, formatMoney, people, toMs } from "./format";

describe("formatMoney", () => {
  it("formats minor units", () => {
    expect(formatMoney(24900, "USD")).toBe("$249.00");
    expect(formatMoney(5, "USD")).toBe("$0.05");
    expect(formatMoney(0, "USD")).toBe("$0.00");
    expect(formatMoney(123456789, "USD")).toBe("$1,234,567.89");
  });
  it("knows zero-decimal currencies", () => {
    expect(formatMoney(1500, "JPY")).toBe("¥1,500");
  });
  it("formats other currencies", () => {
    expect(formatMoney(1999, "EUR")).toBe("€19.99");
  });
});

describe("formatCountdown", () => {
  it("shows m:ss and h:mm:ss", () => {
    expect(formatCountdown(0)).toBe("0:00");
    expect(formatCountdown(999)).toBe("0:01");
    expect(formatCountdown(65_000)).toBe("1:05");
    expect(formatCountdown(3_723_000)).toBe("1:02:03");
  });
  it("never goes negative", () => {
    expect(formatCountdown(-5000)).toBe("0:00");
  });
});

describe("formatDuration", () => {
  it("picks the two largest units", () => {
    expect(formatDuration(45_000)).toBe("45s");
    expect(formatDuration(12 * 60_000 + 5000)).toBe("12m 05s");
    expect(formatDuration(3 * 3600_000 + 12 * 60_000)).toBe("3h 12m");
    expect(formatDuration(2 * 86400_000 + 3 * 3600_000)).toBe("2d 3h");
  });
});

describe("formatEta", () => {
  it("is honest about unknowns", () => {
    expect(formatEta(null)).toBe("Estimating…");
    expect(formatEta(Number.NaN)).toBe("Estimating…");
  });
  it("rounds to readable spans", () => {
    expect(formatEta(10)).toBe("less than a minute");
    expect(formatEta(60)).toBe("about 1 minute");
    expect(formatEta(170)).toBe("about 3 minutes");
    expect(formatEta(3600)).toBe("about 1 h");
    expect(formatEta(4800)).toBe("about 1 h 20 min");
  });
});

describe("people and ahead", () => {
  it("pluralises", () => {
    expect(people(1)).toBe("1 person");
    expect(people(2)).toBe("2 people");
    expect(aheadText(0)).toBe("You're next in line");
    expect(aheadText(1)).toBe("1 person is ahead of you");
    expect(aheadText(1234)).toBe("1,234 people are ahead of you");
  });
});

describe("toMs", () => {
  it("accepts ISO strings, numbers and dates", () => {
    expect(toMs("2026-11-25T00:00:00.000Z")).toBe(Date.UTC(2026, 10, 25));
    expect(toMs(42)).toBe(42);
    expect(toMs(new Date(7))).toBe(7);
    expect(toMs(null)).toBeNull();
    expect(toMs("nope")).toBeNull();
  });
});

import { describe, expect, it } from "vitest";
import { UsageError } from "../options.js";
import { wholeNumber } from "./args.js";

describe("micro benchmark flags", () => {
  it("takes a whole number at or above the minimum, or the fallback when absent", () => {
    expect(wholeNumber("seconds", undefined, 5)).toBe(5);
    expect(wholeNumber("seconds", "12", 5)).toBe(12);
    expect(wholeNumber("rounds", "0", 2, 0)).toBe(0);
  });

  it("refuses what is not a whole number in range, naming the flag", () => {
    for (const bad of ["", " ", "abc", "1.5", "-3", "0", "1e400"]) {
      expect(() => wholeNumber("watchers", bad, 2000), bad).toThrow(UsageError);
    }
    expect(() => wholeNumber("watchers", "lots", 2000)).toThrow(/--watchers takes a whole number of at least 1, not "lots"/);
  });
});

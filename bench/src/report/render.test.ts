import { describe, expect, it } from "vitest";
import { stolenByPhase } from "./render.js";

describe("the host's steal in the headline", () => {
  it("lists each phase once, in run order, as a share of the cores", () => {
    expect(
      stolenByPhase([
        { phase: "baseline", hostStolenShare: 0 },
        { phase: "joins, closed loop", hostStolenShare: 0.364 },
        { phase: "sale", hostStolenShare: 0.05 },
        { phase: "sale", hostStolenShare: 0.05 },
      ]),
    ).toBe("baseline 0%, joins, closed loop 36%, sale 5%");
  });

  it("says so when nothing was metered", () => {
    expect(stolenByPhase([])).toBe("not measured");
  });
});

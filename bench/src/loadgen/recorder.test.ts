import { describe, expect, it } from "vitest";
import { Recorder } from "./recorder.js";

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe("Recorder", () => {
  it("reports how late the generator's own event loop ran during the phase", async () => {
    const busy = new Recorder();
    await sleep(50);
    const until = Date.now() + 120;
    while (Date.now() < until) {
      // a generator busy with a burst of responses: nothing else runs
    }
    await sleep(50);
    const r = busy.result("status");
    expect(r.extra.generatorLoopDelayMaxMs).toBeGreaterThanOrEqual(90);
    expect(r.extra.generatorLoopDelayMaxMs).toBeLessThan(1000);
    expect(r.extra.generatorLoopDelayP99Ms).toBeLessThanOrEqual(r.extra.generatorLoopDelayMaxMs ?? 0);
  });

  it("measures the next phase afresh when the recorder goes on (the sale after its watchers connect)", async () => {
    const rec = new Recorder();
    await sleep(30);
    const until = Date.now() + 150;
    while (Date.now() < until) {
      // the watchers' first events all at once
    }
    await sleep(30);
    const open = { ...rec.result("sale-open", true).extra };
    expect(open.generatorLoopDelayMaxMs).toBeGreaterThanOrEqual(120);
    await sleep(150);
    const sale = rec.result("sale-close").extra;
    expect(sale.generatorLoopDelayMaxMs).toBeLessThan(open.generatorLoopDelayMaxMs ?? 0);
  });
});

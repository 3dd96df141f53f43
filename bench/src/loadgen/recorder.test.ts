import { describe, expect, it } from "vitest";
import { Recorder } from "./recorder.js";

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Keeps the event loop busy, as a burst of responses or events does: nothing else runs. */
async function busyFor(ms: number): Promise<void> {
  await sleep(30);
  const until = Date.now() + ms;
  while (Date.now() < until) {
    // spin
  }
  await sleep(30);
}

describe("Recorder", () => {
  it("reports how late the generator's own event loop ran during the phase", async () => {
    const rec = new Recorder();
    await busyFor(120);
    const r = rec.result("status");
    expect(r.extra.generatorLoopDelayMaxMs).toBeGreaterThanOrEqual(90);
    expect(r.extra.generatorLoopDelayMaxMs).toBeLessThan(1000);
    expect(r.extra.generatorLoopDelayP99Ms).toBeLessThanOrEqual(r.extra.generatorLoopDelayMaxMs ?? 0);
  });

  it("measures the next phase afresh when the recorder goes on (the sale after its watchers connect)", async () => {
    const rec = new Recorder();
    await busyFor(150);
    const open = { ...rec.result("sale-open", true).extra };
    expect(open.generatorLoopDelayMaxMs).toBeGreaterThanOrEqual(120);
    await sleep(150);
    const sale = rec.result("sale-close").extra;
    expect(sale.generatorLoopDelayMaxMs).toBeLessThan(open.generatorLoopDelayMaxMs ?? 0);
  });
});

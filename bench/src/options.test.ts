import { describe, expect, it } from "vitest";
import { parseOptions, UsageError } from "./options.js";

describe("bench options", () => {
  it("has defaults that finish in a few minutes and maps dashed flags", () => {
    const o = parseOptions([]);
    expect(o).toMatchObject({ shoppers: 20_000, stock: 2_000, capacity: 200, duration: 10, watchers: 10_000, million: false });
    const p = parseOptions(["--shoppers", "500", "--paced-rate", "0", "--poll-max-ms", "30000", "--json", "out.json", "--million"]);
    expect(p).toMatchObject({ shoppers: 500, pacedRate: 0, pollMaxMs: 30_000, json: "out.json", million: true });
    // Unset, the API processes keep their own default young generation.
    expect(o.apiYoungGenMb).toBeUndefined();
    expect(parseOptions(["--api-young-gen-mb", "0"]).apiYoungGenMb).toBe(0);
    // Likewise how soon V8 optimises in them.
    expect(o.apiInterruptBudget).toBeUndefined();
    expect(parseOptions(["--api-interrupt-budget", "11000"]).apiInterruptBudget).toBe(11_000);
    expect(() => parseOptions(["--api-interrupt-budget", "-5"])).toThrow(UsageError);
    expect(() => parseOptions(["--api-young-gen-mb", "5000"])).toThrow(UsageError);
    // Likewise who accepts connections; only the API's two ways are taken.
    expect(parseOptions([]).apiAccept).toBeUndefined();
    expect(parseOptions(["--api-accept", "primary"]).apiAccept).toBe("primary");
    expect(() => parseOptions(["--api-accept", "kernel"])).toThrow(UsageError);
    // And whether V8 shrinks an idle worker's heap.
    expect(parseOptions([]).apiMemoryReducer).toBeUndefined();
    expect(parseOptions(["--api-memory-reducer", "on"]).apiMemoryReducer).toBe("on");
    expect(() => parseOptions(["--api-memory-reducer", "yes"])).toThrow(UsageError);
    // And the join log's linger, within what the API's environment takes.
    // perf recordings are asked for, never on by default.
    expect(parseOptions([]).perf).toBe(false);
    expect(parseOptions(["--perf"]).perf).toBe(true);
    expect(() => parseOptions(["--perf=yes"])).toThrow();
    expect(parseOptions([]).joinLingerMs).toBeUndefined();
    expect(parseOptions(["--join-linger-ms", "10"]).joinLingerMs).toBe(10);
    expect(() => parseOptions(["--join-linger-ms", "1001"])).toThrow(UsageError);
    expect(parseOptions([]).joinFullBatch).toBeUndefined();
    expect(parseOptions(["--join-full-batch", "500"]).joinFullBatch).toBe(500);
    expect(() => parseOptions(["--join-full-batch", "0"])).toThrow(UsageError);
    expect(parseOptions([]).watchMaxStretch).toBeUndefined();
    expect(parseOptions(["--watch-max-stretch", "1"]).watchMaxStretch).toBe(1);
    expect(() => parseOptions(["--watch-max-stretch", "0"])).toThrow(UsageError);
    expect(parseOptions([]).apiWarmup).toBeUndefined();
    expect(parseOptions(["--api-warmup", "0"]).apiWarmup).toBe(0);
    expect(() => parseOptions(["--api-warmup=-1"])).toThrow(UsageError);
    expect(() => parseOptions(["--api-warmup", "100001"])).toThrow(UsageError);
    expect(parseOptions([]).apiWarmupCopies).toBeUndefined();
    expect(parseOptions(["--api-warmup-copies", "1"]).apiWarmupCopies).toBe(1);
    expect(() => parseOptions(["--api-warmup-copies", "0"])).toThrow(UsageError);
    expect(parseOptions(["--api-warmup-seconds", "45"]).apiWarmupSeconds).toBe(45);
    expect(parseOptions([]).apiWarmupSeconds).toBeUndefined();
    expect(() => parseOptions(["--api-warmup-seconds", "0"])).toThrow(UsageError);
    expect(() => parseOptions(["--api-warmup-seconds", "301"])).toThrow(UsageError);
    expect(parseOptions([]).idleBefore).toBe(0);
    expect(parseOptions(["--idle-before", "120"]).idleBefore).toBe(120);
    expect(() => parseOptions(["--idle-before", "soon"])).toThrow(UsageError);
  });

  it("takes finer latency bins for the fixed-rate phase, within bounds", () => {
    expect(parseOptions([]).pacedBinMs).toBe(1000);
    expect(parseOptions(["--paced-bin-ms", "100"]).pacedBinMs).toBe(100);
    expect(() => parseOptions(["--paced-bin-ms", "49"])).toThrow(UsageError);
    expect(() => parseOptions(["--paced-bin-ms", "1001"])).toThrow(UsageError);
  });

  it("passes node flags to the API processes, and only flags", () => {
    expect(parseOptions([]).apiNodeArgs).toBeUndefined();
    expect(parseOptions(["--api-node-args=--trace-gc  --max-semi-space-size=16"]).apiNodeArgs).toEqual([
      "--trace-gc",
      "--max-semi-space-size=16",
    ]);
    expect(() => parseOptions(["--api-node-args", "trace-gc"])).toThrow(/give flags only/);
    expect(() => parseOptions(["--api-node-args=--trace-gc /tmp/other.js"])).toThrow(UsageError);
    expect(() => parseOptions(["--api-node-args=--trace-gc;rm"])).toThrow(UsageError);
  });

  it("passes node flags to the load generators under the same rule", () => {
    expect(parseOptions([]).loadgenNodeArgs).toBeUndefined();
    expect(parseOptions(["--loadgen-node-args=--trace-opt"]).loadgenNodeArgs).toEqual(["--trace-opt"]);
    expect(() => parseOptions(["--loadgen-node-args=--trace-opt x.js"])).toThrow(/give flags only/);
  });

  it("refuses unknown flags and out-of-range values with the usage", () => {
    // node's parser refuses these; they must reach the user as usage, not as a stack trace.
    expect(() => parseOptions(["--shopers", "5"])).toThrow(UsageError);
    expect(() => parseOptions(["--shopers", "5"])).toThrow(/Unknown option '--shopers'[\s\S]*usage: npm run bench/);
    expect(() => parseOptions(["sign-in"])).toThrow(UsageError);
    expect(() => parseOptions(["--shoppers"])).toThrow(UsageError);
    expect(() => parseOptions(["--shoppers", "5"])).toThrow(UsageError);
    expect(() => parseOptions(["--help"])).toThrow(/usage: npm run bench/);
  });
});

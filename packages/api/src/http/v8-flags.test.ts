import { execFileSync } from "node:child_process";
import { describe, expect, it } from "vitest";
import { keepKnownV8Flags, splitV8Flags, v8FlagNames } from "./v8-flags.js";

// The shape of `node --v8-options` (Node 20's has --interrupt-budget, Node 24's does not).
const LISTING = `SSE3=1 SSSE3=1 SSE4_1=1
Synopsis:
  shell [options] [--shell] [<file>...]

Options:
  --max-semi-space-size (max size of a semi-space (in MBytes), the new space consists of two semi-spaces)
        type: size_t  default: --max-semi-space-size=0
  --memory-reducer (use memory reducer)
        type: bool  default: --memory-reducer
  --interrupt_budget_for_maglev (interrupt budget which should be used for the profiler counter)
        type: int  default: --interrupt-budget-for-maglev=8000
`;

describe("v8FlagNames", () => {
  it("reads the flag names of node --v8-options, underscores as dashes, not the text around them", () => {
    const names = v8FlagNames(LISTING);
    expect([...names].sort()).toEqual(["interrupt-budget-for-maglev", "max-semi-space-size", "memory-reducer"]);
  });
});

describe("splitV8Flags", () => {
  const names = v8FlagNames(LISTING);
  const node = new Set(["--cpu-prof", "--max-old-space-size"]);

  it("keeps known V8 flags with values, their --no- forms and Node's own options", () => {
    const flags = ["--max-semi-space-size=16", "--no-memory-reducer", "--max_semi_space_size=8", "--cpu-prof"];
    expect(splitV8Flags(flags, names, node)).toEqual({ known: flags, unknown: [] });
  });

  it("sets apart a flag this V8 does not have, and a prefix of one is not the flag", () => {
    expect(splitV8Flags(["--interrupt-budget=22000", "--memory-reducer", "--no-interrupt-budget"], names, node)).toEqual({
      known: ["--memory-reducer"],
      unknown: ["--interrupt-budget=22000", "--no-interrupt-budget"],
    });
  });
});

describe("keepKnownV8Flags", () => {
  it("asks the real node binary: its own flags pass, a made-up one is dropped with a log line", () => {
    const logs: string[] = [];
    const kept = keepKnownV8Flags(["--max-semi-space-size=16", "--no-memory-reducer", "--no-such-v8-flag-here=1"], (m) => logs.push(m));
    expect(kept).toEqual(["--max-semi-space-size=16", "--no-memory-reducer"]);
    expect(logs).toHaveLength(1);
    expect(logs[0]).toMatch(/does not know --no-such-v8-flag-here=1/);
    // What it keeps, this node really starts with.
    expect(execFileSync(process.execPath, [...kept, "-e", "process.stdout.write('up')"], { encoding: "utf8" })).toBe("up");
  });

  it("keeps the flags as given when the binary cannot be asked", () => {
    const logs: string[] = [];
    expect(keepKnownV8Flags(["--whatever"], (m) => logs.push(m), "/nonexistent/node")).toEqual(["--whatever"]);
    expect(logs[0]).toMatch(/could not list/);
  });

  it("does not run anything for no flags", () => {
    expect(keepKnownV8Flags([], () => {
      throw new Error("no log expected");
    }, "/nonexistent/node")).toEqual([]);
  });
});

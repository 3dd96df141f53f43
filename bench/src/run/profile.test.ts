import { describe, expect, it } from "vitest";
import { componentOf, summarise } from "./profile.js";

describe("cpu profile summary", () => {
  it("attributes self time to functions and components, leaving idle out of the shares", () => {
    const frame = (functionName: string, url: string, lineNumber = 0) => ({ functionName, url, lineNumber });
    const profile = {
      nodes: [
        { id: 1, callFrame: frame("(root)", "") },
        { id: 2, callFrame: frame("(idle)", "") },
        { id: 3, callFrame: frame("parse", "file:///x/node_modules/zod/index.js", 9) },
        { id: 4, callFrame: frame("join", "file:///x/packages/queue/dist/queue.js", 99) },
      ],
      samples: [2, 3, 4, 4, 2],
      timeDeltas: [1000, 1000, 2000, 1000, 5000],
      startTime: 0,
      endTime: 10_000,
    };
    const s = summarise(profile, "p.cpuprofile");
    expect(s.totalMs).toBe(10);
    expect(s.busyMs).toBe(4);
    expect(s.byComponent).toEqual([
      { component: "@quickdeal/queue", ms: 3, share: 75 },
      { component: "zod", ms: 1, share: 25 },
    ]);
    expect(s.top[0]).toEqual({ fn: "join", where: "packages/queue/dist/queue.js:100", ms: 3, share: 75 });
  });

  it("names components", () => {
    expect(componentOf("node:internal/streams/readable", "x")).toBe("node internals");
    expect(componentOf("file:///r/node_modules/@trpc/server/dist/a.mjs", "x")).toBe("@trpc/server");
    expect(componentOf("", "(garbage collector)")).toBe("(gc)");
  });
});

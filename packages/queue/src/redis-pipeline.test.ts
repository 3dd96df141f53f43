import { Redis } from "ioredis";
import { describe, expect, it } from "vitest";

// patches/ioredis+6.0.0.patch (applied by `postinstall`): ioredis gave every pipeline its own
// `length` getter, a new closure per pipeline. V8 (Node 20) then kept each pipeline, its commands
// and the requests waiting on them through young-generation GCs until a full GC (decisions.md §22).
describe("ioredis pipelines (patched)", () => {
  it("count their commands through a getter on the prototype, not one of their own", () => {
    const redis = new Redis({ lazyConnect: true, enableOfflineQueue: true });
    try {
      const pipeline = redis.pipeline();
      pipeline.get("a");
      pipeline.get("b");
      expect(pipeline.length).toBe(2);
      expect(Object.getOwnPropertyDescriptor(pipeline, "length")).toBeUndefined();
      expect(typeof Object.getOwnPropertyDescriptor(Object.getPrototypeOf(pipeline), "length")?.get).toBe("function");
    } finally {
      redis.disconnect();
    }
  });
});

import { describe, expect, it } from "vitest";
import {
  isPerfMap,
  leafKind,
  ownerFunctions,
  ownerOf,
  ownerTable,
  parsePerfScript,
  perfMapLookup,
  perfMapLookups,
  renameJitFrames,
  renderOwnerTable,
} from "./perf-owners.js";

// Three samples as `perf script -F pid,ip,sym,dso` prints them (paths shortened), one of another process.
const SCRIPT = `node  9788 
\t         15e0367 Builtins_LoadIC (/usr/bin/node)
\t    7f80373a7bf1 JS:*plan file:///x/packages/api/dist/http/lean-handler.js:52:18 (/tmp/perf-9788.map)
\t    7f80371b01a8 JS:*parserOnHeadersComplete node:_http_common:71:33 (/tmp/perf-9788.map)
\t          8deef3 node::(anonymous namespace)::Parser::on_headers_complete (/usr/bin/node)

 9788 
\tffffffff8225fd19 tcp_sendmsg ([kernel.kallsyms])
\t    7f6c101e0929 JS:*writevGeneric node:internal/stream_base_commons:123:23 (/tmp/perf-9788.map)
\t    7f6c1040b851 JS:*send /x/node_modules/kafkajs/src/network/connection.js:387:25 (/tmp/perf-9788.map)

 9788 
\t          c494db v8::internal::compiler::GraphReducer::ReduceTop (/usr/bin/node)
\t          c4a574 v8::internal::OptimizingCompileDispatcher::CompileTask::RunInternal (/usr/bin/node)

node  4242 
\t         150cbbf Builtins_LoadIC (/usr/bin/node)
\t    7f6c101e0929 JS:*resume node:internal/streams/readable:1247:16 (/tmp/perf-4242.map)
`;

describe("perf owners", () => {
  it("reads samples with their pid and frames, leaf first", () => {
    const samples = parsePerfScript(SCRIPT);
    expect(samples.map((s) => [s.pid, s.frames.length])).toEqual([
      [9788, 4],
      [9788, 3],
      [9788, 2],
      [4242, 2],
    ]);
    // A kernel address does not fit a double: no ip; a JIT frame keeps its address for lookups.
    expect(samples[1]?.frames[0]).toEqual({ sym: "tcp_sendmsg", dso: "[kernel.kallsyms]" });
    expect(samples[1]?.frames[1]).toEqual({ ip: 0x7f6c101e0929, sym: expect.stringContaining("writevGeneric"), dso: "/tmp/perf-9788.map" });
  });

  it("names the module a JavaScript frame belongs to", () => {
    expect(ownerOf("JS:*plan file:///x/packages/api/dist/http/lean-handler.js:52:18")).toBe("api/http");
    expect(ownerOf("JS:*check file:///x/packages/api/dist/trpc.js:67:28")).toBe("api");
    expect(ownerOf("JS:*join file:///x/packages/queue/dist/queue.js:90:15")).toBe("queue");
    expect(ownerOf("JS:^send /x/node_modules/kafkajs/src/network/connection.js:387:25")).toBe("kafkajs");
    expect(ownerOf("JS:*x /x/node_modules/@trpc/server/dist/a.mjs:1:1")).toBe("@trpc/server");
    expect(ownerOf("JS:*end node:_http_outgoing:1034:45")).toBe("node:http");
    expect(ownerOf("JS:*resume node:internal/streams/readable:1247:16")).toBe("node:streams");
    expect(ownerOf("JS:*writevGeneric node:internal/stream_base_commons:123:23")).toBe("node:net");
    expect(ownerOf("JS:*processTicksAndRejections node:internal/process/task_queues:67:35")).toBe("node:ticks+timers");
    expect(ownerOf("JS:*emit node:events:517:44")).toBe("node:other");
    expect(ownerOf("JS:* <anonymous>")).toBe("js:other");
  });

  it("tells the leaf's kind from its symbol and binary", () => {
    expect(leafKind({ sym: "tcp_sendmsg", dso: "[kernel.kallsyms]" })).toBe("kernel");
    expect(leafKind({ sym: "v8::internal::Scavenger::ScavengeObject", dso: "/usr/bin/node" })).toBe("gc");
    expect(leafKind({ sym: "v8::internal::compiler::GraphReducer::ReduceTop", dso: "/usr/bin/node" })).toBe("compiler");
    expect(leafKind({ sym: "JS:*plan file:///x.js:1:1", dso: "/tmp/perf-1.map" })).toBe("jit");
    expect(leafKind({ sym: "Builtins_LoadIC", dso: "/usr/bin/node" })).toBe("builtin");
    expect(leafKind({ sym: "__GI___writev", dso: "/usr/lib/x86_64-linux-gnu/libc.so.6" })).toBe("libc");
    expect(leafKind({ sym: "node::StreamBase::Writev", dso: "/usr/bin/node" })).toBe("c++");
  });

  it("files each sample under its nearest JavaScript frame, by leaf kind, for the pids asked", () => {
    const table = ownerTable(parsePerfScript(SCRIPT), new Set([9788]));
    expect(table.samples).toBe(3);
    expect(table.rows.map((r) => [r.owner, r.samples])).toEqual([
      ["api/http", 1],
      ["node:net", 1],
      ["(no JS) compiler", 1],
    ]);
    expect(table.rows[0]?.byKind.builtin).toBe(1);
    expect(table.rows[1]?.byKind.kernel).toBe(1);
    expect(table.byKind).toMatchObject({ builtin: 1, kernel: 1, compiler: 1, jit: 0 });
    // Every process when no pids are given.
    expect(ownerTable(parsePerfScript(SCRIPT)).samples).toBe(4);
  });

  it("prints shares of all samples, leaving out owners below the cut", () => {
    const table = ownerTable(parsePerfScript(SCRIPT));
    const all = renderOwnerTable(table, 0);
    expect(all).toContain("4 samples");
    expect(all).toMatch(/api\/http\s+25\.0 %\s+builtin 25\.0 %/);
    expect(all).toContain("node:streams");
    expect(renderOwnerTable(table, 0.5)).not.toContain("node:streams");
  });

  it("lists an owner's functions by their nearest frame", () => {
    const samples = parsePerfScript(SCRIPT);
    expect(ownerFunctions(samples, "api/http")).toEqual([{ fn: "plan packages/api/dist/http/lean-handler.js:52", samples: 1 }]);
    expect(ownerFunctions(samples, "node:net")).toEqual([{ fn: "writevGeneric node:internal/stream_base_commons:123", samples: 1 }]);
    expect(ownerFunctions(samples, "nobody")).toEqual([]);
  });

  describe("JIT frames named again from the perf map", () => {
    // V8 wrote `stop` first; once it was collected, `writevGeneric` took part of its memory, and
    // `plan` a range of its own. perf itself keeps the first name for the reused range.
    const MAP = [
      "7f0000001000 100 JS:*stop file:///x/packages/api/dist/http/sse.js:141:22",
      "7f0000002000 40 JS:*plan file:///x/packages/api/dist/http/lean-handler.js:52:18",
      "7f0000001080 40 JS:*writevGeneric node:internal/stream_base_commons:123:23",
      "not a map line",
      "",
    ].join("\n");

    it("takes the last line written that covers an address", () => {
      const lookup = perfMapLookup(MAP);
      expect(lookup(0x7f0000001090)).toContain("writevGeneric");
      expect(lookup(0x7f0000001000)).toContain("stop");
      expect(lookup(0x7f00000010c0)).toContain("stop"); // past the reused part
      expect(lookup(0x7f000000203f)).toContain("plan");
      expect(lookup(0x7f0000002040)).toBeUndefined(); // one past the end
      expect(lookup(0x7f0000000fff)).toBeUndefined();
    });

    it("renames the frames of the maps given and files the sample under its true owner", () => {
      const samples = parsePerfScript(`node 77\n\t          8deef3 node::StreamBase::Writev (/usr/bin/node)\n\t    7f0000001090 JS:*stop file:///x/packages/api/dist/http/sse.js:141:22 (/tmp/perf-77.map)\n\t    7f0000002010 JS:*plan file:///x/packages/api/dist/http/lean-handler.js:52:18 (/tmp/perf-77.map)\n\n node 78\n\t    7f0000001090 JS:*stop file:///x/packages/api/dist/http/sse.js:141:22 (/tmp/perf-78.map)\n`);
      expect(ownerTable(samples, new Set([77])).rows[0]?.owner).toBe("api/http");
      const counts = renameJitFrames(samples, new Map([["/tmp/perf-77.map", perfMapLookup(MAP)]]));
      expect(counts).toEqual({ looked: 2, renamed: 1 });
      expect(ownerTable(samples, new Set([77])).rows[0]?.owner).toBe("node:net");
      // A process whose map was not given keeps perf's names.
      expect(samples[1]?.frames[0]?.sym).toContain("stop");
    });

    it("reads each map the frames name once, and lists those it cannot read", () => {
      const samples = parsePerfScript(`node 77\n\t    7f0000001090 JS:*stop x (/tmp/perf-77.map)\n\t    7f0000002010 JS:*plan y (/tmp/perf-77.map)\n\t  8deef3 node::Foo (/usr/bin/node)\n\n node 78\n\t    7f0000001090 JS:*stop x (/tmp/perf-78.map)\n`);
      const reads: string[] = [];
      const { lookups, unreadable } = perfMapLookups(samples, (path) => {
        reads.push(path);
        if (path.endsWith("78.map")) throw new Error("ENOENT");
        return MAP;
      });
      expect(reads).toEqual(["/tmp/perf-77.map", "/tmp/perf-78.map"]);
      expect([...lookups.keys()]).toEqual(["/tmp/perf-77.map"]);
      expect(unreadable).toEqual(["/tmp/perf-78.map"]);
      // Both frames of 77 get the map's names; 78's map was not read, its frame is not looked up.
      expect(renameJitFrames(samples, lookups)).toEqual({ looked: 2, renamed: 2 });
      expect(samples[0]?.frames[0]?.sym).toContain("writevGeneric");
      expect(samples[1]?.frames[0]?.sym).toBe("JS:*stop x");
      // A later call with the same lookups reads only the maps it has not got.
      const again = parsePerfScript(`node 77\n\t    7f0000001090 JS:*stop x (/tmp/perf-77.map)\n\n node 79\n\t    7f0000001090 JS:*stop x (/tmp/perf-79.map)\n`);
      reads.length = 0;
      const more = perfMapLookups(again, (path) => {
        reads.push(path);
        return MAP;
      }, lookups);
      expect(reads).toEqual(["/tmp/perf-79.map"]);
      expect(more.lookups).toBe(lookups);
      expect([...lookups.keys()]).toEqual(["/tmp/perf-77.map", "/tmp/perf-79.map"]);
    });

    it("knows a perf map's dso", () => {
      expect(isPerfMap("/tmp/perf-9788.map")).toBe(true);
      expect(isPerfMap("perf-1.map")).toBe(true);
      expect(isPerfMap("/usr/bin/node")).toBe(false);
      expect(isPerfMap("/tmp/perf-x.map")).toBe(false);
    });
  });
});

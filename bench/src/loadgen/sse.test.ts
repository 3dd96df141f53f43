import { describe, expect, it } from "vitest";
import { SseParser } from "./sse.js";

describe("SseParser", () => {
  it("reads tRPC's event framing across arbitrary chunk boundaries", () => {
    const wire =
      'event: connected\ndata: {"reconnectAfterInactivityMs":25000}\n\n\n' +
      'data: {"state":"WAITING","ahead":3}\nid: W:3\n\n\n' +
      "event: ping\ndata: \n\n\n" +
      'data: {"state":"ADMITTED","ahead":0}\nid: A:0\n\n\n' +
      "event: return\ndata: \n\n\n";
    for (const size of [1, 7, 64, wire.length]) {
      const p = new SseParser();
      const events = [];
      for (let i = 0; i < wire.length; i += size) events.push(...p.push(wire.slice(i, i + size)));
      expect(events.map((e) => [e.event, e.id])).toEqual([
        ["connected", null],
        [null, "W:3"],
        ["ping", null],
        [null, "A:0"],
        ["return", null],
      ]);
      expect(JSON.parse(events[1]?.data ?? "")).toEqual({ state: "WAITING", ahead: 3 });
    }
  });

  it("joins data lines, skips comments, keeps a block with only an unknown field, and stops when told", () => {
    const p = new SseParser();
    const wire = ": comment\n\ndata: a\ndata:b\nid:7\n\nretry: 5\n\nevent: x\n\ndata: later\n\n";
    expect(p.push(wire)).toEqual([
      { event: null, data: "a\nb", id: "7" },
      { event: null, data: "", id: null },
      { event: "x", data: "", id: null },
      { event: null, data: "later", id: null },
    ]);
    const q = new SseParser();
    const seen: (string | null)[] = [];
    q.feed(wire, (ev) => {
      seen.push(ev.id);
      return ev.id === "7";
    });
    expect(seen).toEqual(["7"]);
    // What was not delivered stays buffered.
    expect(q.push("").map((e) => e.event)).toEqual([null, "x", null]);
  });
});

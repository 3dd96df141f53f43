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
});

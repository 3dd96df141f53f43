import fc from "fast-check";
import { describe, expect, it } from "vitest";
import type { IncomingMessage } from "node:http";
import { plainTarget, readTarget } from "./target.js";

const BASE = "http://localhost";
const entries = (p: URLSearchParams) => [...p.entries()];

describe("plainTarget", () => {
  it("reads what tRPC's links send without URL parsing", () => {
    const input = encodeURIComponent(JSON.stringify({ 0: { productId: 7, note: "a b's" } }));
    for (const raw of [
      "/api/trpc/queue.join",
      "/api/trpc/queue.status?input=%7B%22ticket%22%3A%22abc.def%22%7D",
      `/api/trpc/queue.status,catalog.list?batch=1&input=${input}`,
      "/api/trpc/queue.watch?input=%7B%7D&lastEventId=12",
    ]) {
      const plain = plainTarget(raw);
      expect(plain, raw).not.toBeNull();
      const url = new URL(raw, BASE);
      expect(plain?.pathname).toBe(url.pathname);
      expect(entries(plain!.searchParams)).toEqual(entries(url.searchParams));
    }
  });

  it.each([
    "/api/trpc/../admin.x",
    "/api/./trpc/queue.join",
    "/api/trpc/..",
    "//evil/api/trpc/queue.join",
    "/api/trpc/queue%2Ejoin",
    "/api/trpc/queue.join#x",
    "/api/trpc/queue join",
    "/api\\trpc/queue.join",
    "/api/trpc/queue.status?input=é",
    "api/trpc/queue.join",
    "/api/trpc/queue.status??input=1",
  ])("leaves %s to URL parsing", (raw) => {
    expect(plainTarget(raw)).toBeNull();
  });

  it("agrees with URL parsing on every target it reads", () => {
    const char = fc.constantFrom(..."aZ09._-~!$'()*+,;=:@/?%&#\\ é\"<>{}|^`[]\t".split(""), "%2e", "%41", "/..", "/.", "//");
    fc.assert(
      fc.property(fc.array(char, { maxLength: 24 }), (parts) => {
        const raw = `/${parts.join("")}`;
        const plain = plainTarget(raw);
        if (plain === null) return;
        const url = new URL(raw, BASE);
        expect(plain.pathname).toBe(url.pathname);
        expect(entries(plain.searchParams)).toEqual(entries(url.searchParams));
      }),
      { numRuns: 20_000 },
    );
  });
});

describe("readTarget", () => {
  const req = (url: string, host?: string) => ({ url, headers: host === undefined ? {} : { host }, socket: {} }) as IncomingMessage;

  it("makes the full URL only when asked, the same URL parsing makes", () => {
    const target = readTarget(req("/api/trpc/queue.status?input=%7B%7D", "shop.example:8080"));
    expect(target?.pathname).toBe("/api/trpc/queue.status");
    expect(target?.searchParams.get("input")).toBe("{}");
    expect(target?.url().href).toBe("http://shop.example:8080/api/trpc/queue.status?input=%7B%7D");
    expect(target?.url()).toBe(target?.url());
  });

  it("reads an unusual target through URL parsing", () => {
    const target = readTarget(req("/api/trpc/../trpc/queue.join", "localhost"));
    expect(target?.pathname).toBe("/api/trpc/queue.join");
  });

  it.each(["bad host", "localhost:99999"])("gives up on a plain target with the Host %s, as URL parsing does", (host) => {
    expect(readTarget(req("/api/trpc/queue.join", host))).toBeNull();
  });
});

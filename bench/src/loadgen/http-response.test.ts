import { describe, expect, it } from "vitest";
import { HttpResponseDecoder } from "./http-response.js";

/** Feeds the decoder through one reused buffer, as the sockets' shared read buffer does. */
function decode(pieces: Buffer[], opts: { eof?: boolean; stopAtHead?: boolean } = {}) {
  const log: string[] = [];
  const body: Buffer[] = [];
  const wholes: boolean[] = [];
  const d: HttpResponseDecoder = new HttpResponseDecoder({
    onHead: (status, head) => {
      log.push(`head ${status} ${head.split("\r\n").length}`);
      if (opts.stopAtHead) d.stop();
    },
    onBody: (b, from, to, whole) => {
      body.push(Buffer.from(b.subarray(from, to)));
      wholes.push(whole);
    },
    onComplete: (reusable) => log.push(`complete ${reusable}`),
    onError: (code) => log.push(`error ${code}`),
  });
  const shared = Buffer.alloc(64 * 1024);
  for (const p of pieces) {
    p.copy(shared);
    d.push(shared.subarray(0, p.length));
    // The caller's memory is reused: whatever the decoder kept must be its own copy.
    shared.fill(0x58, 0, p.length);
  }
  if (opts.eof) log.push(`eof ${d.eof()}`);
  return { log, body: Buffer.concat(body).toString(), wholes, decoder: d };
}

/** Every way of cutting `wire` in two (and one byte at a time). */
function cuts(wire: Buffer): Buffer[][] {
  const out: Buffer[][] = [];
  for (let k = 1; k < wire.length; k++) out.push([wire.subarray(0, k), wire.subarray(k)]);
  out.push([...wire].map((c) => Buffer.from([c])));
  return out;
}

describe("HttpResponseDecoder", () => {
  it("reads a chunked body with extensions and trailers however it is cut", () => {
    const wire = Buffer.from("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5;x=1\r\nhello\r\nA ; y\r\n0123456789\r\n3\r\nabc\r\n0\r\nx-trailer: 1\r\n\r\n");
    for (const pieces of cuts(wire)) {
      const r = decode(pieces);
      expect(r.body).toBe("hello0123456789abc");
      expect(r.log).toEqual(["head 200 2", "complete true"]);
    }
  });

  it("reads a content-length body, whole when it comes in one read, and says when bytes follow it", () => {
    const one = decode([Buffer.from("HTTP/1.1 200 OK\r\ncontent-length: 5\r\n\r\nhello")]);
    expect(one).toMatchObject({ body: "hello", wholes: [true], log: ["head 200 2", "complete true"] });
    const split = decode([Buffer.from("HTTP/1.1 200 OK\r\ncontent-length: 5\r\n\r\nhe"), Buffer.from("llo")]);
    expect(split).toMatchObject({ body: "hello", wholes: [false, false], log: ["head 200 2", "complete true"] });
    const extra = decode([Buffer.from("HTTP/1.1 200 OK\r\ncontent-length: 5\r\n\r\nhelloHTTP")]);
    expect(extra).toMatchObject({ body: "hello", log: ["head 200 2", "complete false"] });
  });

  it("skips interim heads cut across reads, reads 204 and empty bodies at once, and an until-close body at eof", () => {
    const wire = Buffer.from("HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 200 OK\r\ncontent-length: 2\r\n\r\nok");
    for (const pieces of cuts(wire)) {
      const r = decode(pieces);
      expect(r.body).toBe("ok");
      expect(r.log).toEqual(["head 100 1", "head 200 2", "complete true"]);
    }
    expect(decode([Buffer.from("HTTP/1.1 204 No Content\r\n\r\n")]).log).toEqual(["head 204 1", "complete true"]);
    expect(decode([Buffer.from("HTTP/1.1 200 OK\r\ncontent-length: 0\r\n\r\n")]).log).toEqual(["head 200 2", "complete true"]);
    const close = decode([Buffer.from("HTTP/1.0 200 OK\r\n\r\nab"), Buffer.from("c")], { eof: true });
    expect(close).toMatchObject({ body: "abc", log: ["head 200 1", "complete false", "eof true"] });
    const cut = decode([Buffer.from("HTTP/1.1 200 OK\r\ncontent-length: 9\r\n\r\nab")], { eof: true });
    expect(cut.log).toEqual(["head 200 2", "eof false"]);
  });

  it("reports what is not HTTP or not chunked framing, and reads nothing once stopped", () => {
    expect(decode([Buffer.from("SSH-2.0-OpenSSH\r\n\r\n")]).log).toEqual(["error BAD_RESPONSE"]);
    expect(decode([Buffer.from("HTTP/1.1 200 OK\r\ntransfer-encoding: chunked\r\n\r\nzz\r\n")]).log).toEqual(["head 200 2", "error BAD_CHUNK"]);
    expect(decode([Buffer.from("HTTP/1.1 200 OK\r\ntransfer-encoding: chunked\r\n\r\n5\r\nhelloX")]).log).toEqual(["head 200 2", "error BAD_CHUNK"]);
    const big = Buffer.from(`HTTP/1.1 200 OK\r\n${"x: y\r\n".repeat(8_000)}`);
    expect(decode([big, big]).log).toEqual(["error BAD_RESPONSE"]);
    const stopped = decode([Buffer.from("HTTP/1.1 200 OK\r\ncontent-length: 2\r\n\r\nok")], { stopAtHead: true });
    expect(stopped).toMatchObject({ body: "", log: ["head 200 2"] });
  });

  it("reads the next response after reset()", () => {
    const r = decode([Buffer.from("HTTP/1.1 200 OK\r\ncontent-length: 1\r\n\r\na")]);
    r.decoder.reset();
    r.decoder.push(Buffer.from("HTTP/1.1 404 Not Found\r\ncontent-length: 1\r\n\r\nb"));
    expect(r.log).toEqual(["head 200 2", "complete true", "head 404 2", "complete true"]);
  });
});

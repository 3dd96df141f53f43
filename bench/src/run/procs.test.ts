import { once } from "node:events";
import { createServer } from "node:net";
import { describe, expect, it } from "vitest";
import { freePortBlock, listeningCount } from "./procs.js";

describe("freePortBlock", () => {
  it("finds consecutive free loopback ports below the ephemeral range", async () => {
    const base = await freePortBlock(3);
    expect(base).toBeGreaterThanOrEqual(20_000);
    expect(base + 2).toBeLessThan(32_000);
    // All three can be listened on now.
    const servers = [0, 1, 2].map(() => createServer());
    await Promise.all(servers.map(async (srv, i) => {
      srv.listen(base + i, "127.0.0.1");
      await once(srv, "listening");
    }));
    await Promise.all(servers.map((srv) => new Promise((r) => srv.close(r))));
  });

  it("skips a range whose ports are taken", async () => {
    // A one-port window that is occupied cannot be handed out.
    const taken = createServer();
    taken.listen(0, "127.0.0.1");
    await once(taken, "listening");
    const port = (taken.address() as { port: number }).port;
    await expect(freePortBlock(1, port, port + 1)).rejects.toThrow(/no block of 1 free ports/);
    taken.close();
  });
});

describe("listeningCount", () => {
  it("counts the processes holding the socket that listens on a port", async () => {
    const srv = createServer();
    srv.listen(0, "127.0.0.1");
    await once(srv, "listening");
    const port = (srv.address() as { port: number }).port;
    expect(listeningCount(port, [process.pid])).toBe(1);
    expect(listeningCount((p) => p === port, [process.pid])).toBe(1);
    expect(listeningCount((p) => p !== port && p === 1, [process.pid])).toBe(0);
    // A parent that does not hold it (pid 1 here, or unreadable) is not counted.
    expect(listeningCount(port, [1])).toBe(0);
    await new Promise((r) => srv.close(r));
    expect(listeningCount(port, [process.pid])).toBe(0);
  });
});

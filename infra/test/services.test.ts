import { describe, expect, it } from "vitest";
import { runServices } from "./run-services.js";

describe("services.mjs", () => {
  // globalSetup already ran `up`; this is the second run in a row.
  it("up is a no-op when everything already answers", async () => {
    const out = await runServices("up");
    expect(out).toContain("mysql: already answering");
    expect(out).toContain("redis: already answering");
    expect(out).toContain("kafka: already answering");
    expect(out).not.toMatch(/starting|initialising|formatting|resolving/);
    expect(out).toContain("services: everything was already up, nothing started");
  });

  it("status reports every service up", async () => {
    const out = await runServices("status");
    expect(out).toMatch(/mysql: up on/);
    expect(out).toMatch(/redis: up on/);
    expect(out).toMatch(/kafka: up on/);
    expect(out).toContain("services: all up");
  });
});

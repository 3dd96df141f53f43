import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { afterEach, describe, expect, it } from "vitest";
import { loadScripts, readScripts } from "./scripts.js";

let dir: string | undefined;
afterEach(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
  dir = undefined;
});

/** A folder of Lua files, as a URL ending in `/` like the loader's own. */
function folder(files: string[]): URL {
  dir = mkdtempSync(join(tmpdir(), "qd-lua-"));
  for (const f of files) writeFileSync(join(dir, f), `return "${f}"`);
  return pathToFileURL(`${dir}/`);
}

describe("script loader", () => {
  it("reads name and key count from each file name, and skips other files", () => {
    const scripts = readScripts(folder(["join-n.lua", "init-room-1.lua", "admit-4.lua", "README.md"]));
    expect(scripts.map(({ name, numberOfKeys }) => ({ name, numberOfKeys }))).toEqual([
      { name: "admit", numberOfKeys: 4 },
      { name: "init-room", numberOfKeys: 1 },
      // `n`: the caller gives the key count
      { name: "join", numberOfKeys: null },
    ]);
    expect(scripts[2]?.lua).toBe('return "join-n.lua"');
  });

  it("refuses two files giving one script name (a stale copy of a renamed script)", () => {
    expect(() => readScripts(folder(["join-4.lua", "join-n.lua", "cancel-3.lua"]))).toThrow(
      /Lua files join-4\.lua and join-n\.lua both define script "join"/,
    );
  });

  it("refuses a file without a key count", () => {
    expect(() => readScripts(folder(["join.lua"]))).toThrow(/must be named <name>-<keys>\.lua/);
    expect(() => readScripts(folder(["join-x.lua"]))).toThrow(/must be named <name>-<keys>\.lua/);
  });

  it("finds each script of the package once", () => {
    const names = loadScripts().map((s) => s.name);
    expect(new Set(names).size).toBe(names.length);
    expect(names).toContain("join");
  });
});

import { spawn } from "node:child_process";
import { once } from "node:events";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { checkPerf, PERF_NODE_FLAG, PerfRecorder, phaseSlug } from "./perf-recorder.js";

describe("phase file names", () => {
  it("are the phase's words joined by dashes", () => {
    expect(phaseSlug("joins, closed loop")).toBe("joins-closed-loop");
    expect(phaseSlug("joins at 5000/s")).toBe("joins-at-5000-s");
    expect(phaseSlug("!!!")).toBe("phase");
  });
});

function perfUsable(): boolean {
  try {
    checkPerf();
    return true;
  } catch {
    return false;
  }
}

// .ci/run installs perf; CI runs as root, which may record every CPU.
describe.skipIf(!perfUsable())("recording a phase with perf", () => {
  const dir = mkdtempSync(join(tmpdir(), "qd-perf-"));
  const pids: number[] = [];
  afterAll(() => {
    rmSync(dir, { recursive: true, force: true });
    for (const pid of pids) rmSync(join(tmpdir(), `perf-${pid}.map`), { force: true });
  });

  it("files a process's samples under the module whose JavaScript asked for the CPU", async () => {
    // A script that lives where our packages' builds do, so its frames are owned by "demo".
    const script = join(dir, "packages", "demo", "dist", "spin.js");
    mkdirSync(join(dir, "packages", "demo", "dist"), { recursive: true });
    writeFileSync(
      script,
      "function spin(n) { let x = 0; for (let i = 0; i < n; i++) x = (x * 31 + i) % 1000003; return x; }\n" +
        "const end = Date.now() + 1500; let s = 0; while (Date.now() < end) s += spin(100000); console.log(s > -1);\n",
    );
    const recorder = new PerfRecorder(dir);
    await recorder.start("spinning, hard");
    const child = spawn(process.execPath, [PERF_NODE_FLAG, script], { stdio: "ignore" });
    if (child.pid !== undefined) pids.push(child.pid);
    await once(child, "exit");
    await recorder.stop([{ name: "spinner", pids: [child.pid ?? -1] }, { name: "nobody", pids: [] }]);
    expect(existsSync(join(dir, "spinning-hard.perf.data"))).toBe(true);

    const [phase, ...others] = await recorder.summarise();
    expect(others).toEqual([]); // a group without samples is left out
    expect(phase?.phase).toBe("spinning, hard");
    expect(phase?.group).toBe("spinner");
    // ~1.5 s on a CPU at 999 Hz, less when other tests share the cores
    expect(phase?.samples).toBeGreaterThan(200);
    expect(phase?.owners[0]?.owner).toBe("demo");
    expect(phase?.owners[0]?.share).toBeGreaterThan(0.5);
    expect(phase?.byKind.jit).toBeGreaterThan(0.3);
    const text = readFileSync(join(dir, "spinning-hard.perf-owners.txt"), "utf8");
    expect(text).toMatch(/spinner \(pids \d+\)/);
    expect(text).toMatch(/spin packages\/demo\/dist\/spin\.js:1/);
    // The recording itself is gone once filed.
    expect(existsSync(join(dir, "spinning-hard.perf.data"))).toBe(false);
  }, 60_000);
});

import { execFile } from "node:child_process";
import { join } from "node:path";
import { promisify } from "node:util";
import { ROOT } from "../scripts/lib/env.mjs";

const exec = promisify(execFile);

/** Runs `services.mjs <action>` as `npm run services:<action>` does and returns its output. */
export async function runServices(action: "up" | "down" | "status"): Promise<string> {
  const { stdout, stderr } = await exec(process.execPath, [join(ROOT, "infra/scripts/services.mjs"), action], {
    cwd: ROOT,
    timeout: 300_000,
  });
  return stdout + stderr;
}

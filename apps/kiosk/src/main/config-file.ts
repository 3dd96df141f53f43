import { existsSync } from "node:fs";
import { readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { type ConfigResult, configTemplate, parseConfigText } from "../core/config.js";

export const CONFIG_FILE = "kiosk.json";
export const EXAMPLE_FILE = "kiosk.example.json";

export type LoadedConfig = ConfigResult & { path: string };

/**
 * Reads the device's config from `<dir>/kiosk.json` (dir = the app's userData folder). When it is
 * missing, an example is written beside it so the operator has something to copy and fill in.
 */
export async function loadDeviceConfig(dir: string, explicitPath?: string): Promise<LoadedConfig> {
  const path = explicitPath ?? join(dir, CONFIG_FILE);
  let text: string;
  try {
    text = await readFile(path, "utf8");
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== "ENOENT") {
      return { ok: false, problems: [`cannot read ${path}: ${(err as Error).message}`], path };
    }
    const example = join(dir, EXAMPLE_FILE);
    if (!explicitPath && !existsSync(example)) {
      await writeFile(example, `${JSON.stringify(configTemplate(), null, 2)}\n`, { mode: 0o600 }).catch(() => undefined);
    }
    return {
      ok: false,
      problems: [`${path} does not exist. Copy ${example} to ${CONFIG_FILE} and fill in apiUrl, kioskId and key.`],
      path,
    };
  }
  const result = parseConfigText(text);
  return result.ok ? { ...result, path } : { ok: false, problems: result.problems.map((p) => `${CONFIG_FILE}: ${p}`), path };
}

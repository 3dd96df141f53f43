/**
 * `npm run preview -w @quickdeal/kiosk`: the kiosk in a browser at http://127.0.0.1:4300, using the
 * same config file as a device (QUICKDEAL_KIOSK_CONFIG, default ./kiosk.json).
 */
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { createKioskRuntime } from "../core/runtime.js";
import { loadDeviceConfig } from "../main/config-file.js";
import { parsePreviewEnv } from "./env.js";
import { createPreviewServer } from "./server.js";

const env = parsePreviewEnv();
const here = dirname(fileURLToPath(import.meta.url));
const rendererRoot = join(here, "..", "..", "dist", "renderer");
const configPath = resolve(env.configPath);
const loaded = await loadDeviceConfig(dirname(configPath), configPath);
if (!loaded.ok) {
  console.error(`kiosk preview: ${loaded.problems.join("\n")}`);
  process.exit(1);
}
const runtime = createKioskRuntime(loaded.config, { log: (msg, extra) => console.error(msg, extra ?? "") });
runtime.controller.start();
const server = createPreviewServer({ source: runtime.controller, rendererRoot, imagesOrigin: loaded.config.imagesUrl });
server.listen(env.port, "127.0.0.1", () => console.log(`kiosk preview on http://127.0.0.1:${env.port} (renderer from ${rendererRoot})`));
for (const signal of ["SIGINT", "SIGTERM"] as const) {
  process.on(signal, () => {
    runtime.stop();
    server.close();
    server.closeAllConnections();
  });
}

/**
 * `npm start`: runs the built kiosk with Electron. The npm package installs without its binary
 * on machines that cannot download it; say so plainly instead of failing with a stack trace.
 */
import { spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const require = createRequire(import.meta.url);

let electronPath;
try {
  // The package's main export is the binary's path; it throws when the binary was never installed.
  electronPath = require("electron");
} catch {
  electronPath = null;
}
if (typeof electronPath !== "string" || !existsSync(electronPath)) {
  console.error(
    [
      "The Electron binary is not installed, so the kiosk cannot open its window here.",
      "Its logic still runs and is tested without Electron (npm test -w @quickdeal/kiosk).",
      "On a kiosk device: install Electron's binary (run electron's install script, e.g.",
      "`node node_modules/electron/install.js`, or set ELECTRON_OVERRIDE_DIST_PATH to an unpacked",
      "Electron), then `npm run build -w @quickdeal/kiosk && npm start -w @quickdeal/kiosk`.",
    ].join("\n"),
  );
  process.exit(1);
}
for (const f of ["dist/main/main.js", "dist/preload/preload.cjs", "dist/renderer/index.html"]) {
  if (!existsSync(join(root, f))) {
    console.error(`${f} is missing: run \`npm run build -w @quickdeal/kiosk\` first.`);
    process.exit(1);
  }
}
const child = spawn(electronPath, [root, ...process.argv.slice(2)], { stdio: "inherit" });
child.on("exit", (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
for (const s of ["SIGINT", "SIGTERM"]) process.on(s, () => child.kill(s));

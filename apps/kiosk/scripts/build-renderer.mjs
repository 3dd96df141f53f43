/**
 * Bundles the renderer (React) with esbuild into dist/renderer: app.js plus the static
 * index.html and styles.css. The main process serves this folder at app://kiosk/.
 */
import { copyFile, mkdir } from "node:fs/promises";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { build } from "esbuild";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const src = join(root, "src", "renderer");
const out = join(root, "dist", "renderer");
const production = !process.argv.includes("--dev");

await mkdir(out, { recursive: true });
await build({
  entryPoints: [join(src, "main.tsx")],
  outfile: join(out, "app.js"),
  bundle: true,
  // A classic script: module scripts are fetched in CORS mode, which custom protocols handle unevenly.
  format: "iife",
  platform: "browser",
  target: ["chrome130"],
  jsx: "automatic",
  minify: production,
  sourcemap: production ? false : "inline",
  define: { "process.env.NODE_ENV": JSON.stringify(production ? "production" : "development") },
  legalComments: "none",
  logLevel: "warning",
});
await Promise.all(["index.html", "styles.css"].map((f) => copyFile(join(src, f), join(out, f))));
console.log(`renderer built into ${out}`);

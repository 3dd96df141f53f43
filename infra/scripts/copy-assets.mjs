// Copies non-TypeScript assets (Lua scripts, SQL) from src to dist so built packages are self-contained,
// and removes from dist the assets no longer in src: a renamed script (join-3.lua → join-4.lua) must
// not leave its old copy behind for the loader to find.
import { cpSync, existsSync, readdirSync, rmSync } from "node:fs";
import { join, relative, resolve } from "node:path";

const [from = "src", to = "dist"] = process.argv.slice(2);
const exts = [".lua", ".sql", ".json"];
const isAsset = (path) => exts.some((e) => path.endsWith(e));

/** Every file under `dir`, recursively. */
function* filesUnder(dir) {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) yield* filesUnder(path);
    else yield path;
  }
}

if (existsSync(from)) {
  const src = resolve(from);
  const dest = resolve(to);
  if (existsSync(dest)) {
    // Only the kinds of file this script copies: what tsc writes to dist is not ours to judge.
    for (const path of filesUnder(dest)) {
      if (isAsset(path) && !existsSync(join(src, relative(dest, path)))) rmSync(path);
    }
  }
  cpSync(src, dest, {
    recursive: true,
    filter: (path) => !/\.[a-z]+$/i.test(path) || isAsset(path),
  });
}

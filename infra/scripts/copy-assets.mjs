// Copies non-TypeScript assets (Lua scripts, SQL) from src to dist so built packages are self-contained.
import { cpSync, existsSync } from "node:fs";
import { resolve } from "node:path";

const [from = "src", to = "dist"] = process.argv.slice(2);
const exts = [".lua", ".sql", ".json"];
if (existsSync(from)) {
  cpSync(resolve(from), resolve(to), {
    recursive: true,
    filter: (src) => !/\.[a-z]+$/i.test(src) || exts.some((e) => src.endsWith(e)),
  });
}

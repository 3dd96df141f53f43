// Fresh e2e database: drop, migrate, seed (demo catalog + admin). Run by the Playwright webServer
// command before the API starts, so every run begins from the same data.
import { spawnSync } from "node:child_process";
import { fileURLToPath } from "node:url";
import mysql from "mysql2/promise";

const url = process.env.DATABASE_URL;
if (!url || !/\/quickdeal_e2e[^/]*$/.test(new URL(url).pathname)) {
  console.error(`e2e: refusing to reset ${url ?? "(unset)"}: DATABASE_URL must name a quickdeal_e2e database`);
  process.exit(1);
}
const u = new URL(url);
const name = u.pathname.slice(1);
const server = new URL(url);
server.pathname = "/";
const conn = await mysql.createConnection(server.toString()).catch((err) => {
  console.error(`e2e: cannot reach MySQL at ${server.host}: ${err.message}`);
  process.exit(1);
});
await conn.query(`DROP DATABASE IF EXISTS \`${name}\``);
await conn.end();

const root = fileURLToPath(new URL("../../../", import.meta.url));
for (const cli of ["packages/db/dist/cli/migrate.js", "packages/db/dist/cli/seed.js"]) {
  const r = spawnSync(process.execPath, [cli], { cwd: root, stdio: "inherit", env: process.env });
  if (r.status !== 0) {
    console.error(`e2e: ${cli} failed`);
    process.exit(r.status ?? 1);
  }
}
console.log(`e2e: database ${name} ready`);

// Fresh e2e database: drop, migrate, seed (demo catalog + admin). Run by the Playwright webServer
// command before the API starts, so every run begins from the same data. Earlier runs' join topics
// (one per run) are deleted here: at the end of a run its API and worker still hold the topic.
import { spawnSync } from "node:child_process";
import { fileURLToPath } from "node:url";
import { createKafka, deleteTopics, topicFamily } from "@quickdeal/queue";
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

const topic = process.env.KAFKA_JOIN_TOPIC ?? "";
const family = topicFamily(topic);
if (topic.startsWith("quickdeal.e2e.")) {
  const brokers = (process.env.KAFKA_BROKERS ?? "127.0.0.1:9092").split(",");
  const gone = await deleteTopics(createKafka(brokers, "e2e-prepare"), (t) => t.startsWith("quickdeal.e2e.") && !family(t)).catch((err) => {
    console.error(`e2e: could not delete earlier runs' topics (${err.message}); going on`);
    return [];
  });
  if (gone.length > 0) console.log(`e2e: deleted ${gone.length} topic(s) of earlier runs`);
}

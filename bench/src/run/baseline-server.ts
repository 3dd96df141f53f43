/**
 * The baseline: a bare node:http hello world, clustered exactly like the API (one process per
 * worker asked for), so "share of the baseline" compares like with like.
 *   node dist/run/baseline-server.js <port> <workers>
 */
import cluster from "node:cluster";
import { createServer } from "node:http";

const port = Number(process.argv[2] ?? 0);
const workers = Math.max(1, Number(process.argv[3] ?? 1));

if (cluster.isPrimary && workers > 1) {
  for (let i = 0; i < workers; i++) cluster.fork();
  process.on("SIGTERM", () => {
    for (const w of Object.values(cluster.workers ?? {})) w?.kill("SIGTERM");
    process.exit(0);
  });
} else {
  const body = JSON.stringify({ result: { data: "hello" } });
  createServer((_req, res) => {
    res.writeHead(200, { "content-type": "application/json", "content-length": Buffer.byteLength(body) });
    res.end(body);
  }).listen(port, "127.0.0.1");
  process.on("SIGTERM", () => process.exit(0));
}

/**
 * `npm run bench -- [options]` (infra/scripts/bench.mjs builds, brings services up, then runs this).
 * Writes bench-results/bench-<run>.{json,md,svg} (and latest.*), prints the table.
 */
import { randomBytes } from "node:crypto";
import { copyFile, mkdir, writeFile } from "node:fs/promises";
import { dirname, join, resolve } from "node:path";
import { loadEnv } from "./env.js";
import { UsageError, parseOptions } from "./options.js";
import { renderChart } from "./report/chart.js";
import { consoleTable, markdown, millionMarkdown } from "./report/render.js";
import { runBench } from "./run/bench.js";
import { ROOT } from "./run/machine.js";
import { runMillion } from "./run/million.js";

async function main(): Promise<void> {
  const opts = parseOptions(process.argv.slice(2));
  const env = loadEnv();
  const now = new Date();
  const runId = `${now.toISOString().replace(/[-:T]/g, "").slice(0, 14)}-${randomBytes(2).toString("hex")}`;
  const resultsDir = join(ROOT, "bench-results");
  await mkdir(resultsDir, { recursive: true });
  const base = join(resultsDir, `bench-${runId}`);
  const written: string[] = [];
  const write = async (file: string, text: string, latest: string) => {
    await writeFile(file, text);
    await copyFile(file, join(resultsDir, latest));
    written.push(file);
  };

  let json: string;
  if (opts.million) {
    const r = await runMillion(opts, env, runId);
    json = `${JSON.stringify(r, null, 2)}\n`;
    const md = millionMarkdown(r);
    await write(`${base}-million.json`, json, "latest-million.json");
    await write(`${base}-million.md`, md, "latest-million.md");
    console.log(`\n${md}`);
  } else {
    const r = await runBench(opts, env, { resultsDir, logDir: join(resultsDir, "logs", runId), profileDir: join(resultsDir, "profiles", runId) }, runId);
    json = `${JSON.stringify(r, null, 2)}\n`;
    const chart = `bench-${runId}.svg`;
    await write(`${base}.json`, json, "latest.json");
    await write(`${base}.md`, markdown(r, chart), "latest.md");
    await write(join(resultsDir, chart), renderChart(`QuickDeal bench ${runId}: ${r.machine.cores} cores, ${r.options.shoppers} shoppers, ${r.stock} units`, r.timeline.series, r.timeline.phases), "latest.svg");
    console.log(`\n${consoleTable(r)}`);
  }
  if (opts.json) {
    const file = resolve(env.cwd, opts.json);
    await mkdir(dirname(file), { recursive: true });
    await writeFile(file, json);
    written.push(file);
  }
  console.log(`\nwritten: ${written.join(", ")}`);
}

main().then(
  () => process.exit(0),
  (err: unknown) => {
    if (err instanceof UsageError) {
      console.error(err.message);
      process.exit(2);
    }
    console.error(`bench failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`);
    process.exit(1);
  },
);

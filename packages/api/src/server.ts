/**
 * Process entry of the hot-path API: parses the environment once, then serves the router with
 * the lean node:http adapter in one worker per core (API_WORKERS).
 */
import { readFileSync } from "node:fs";
import { createHttpApp } from "./app.js";
import { parseEnv } from "./env.js";
import { listen, runClustered } from "./http/index.js";
import { createServices } from "./services.js";
import { warmUp } from "./warmup.js";

const env = parseEnv();
const tls = env.tls ? { cert: readPem("API_TLS_CERT_FILE", env.tls.certFile), key: readPem("API_TLS_KEY_FILE", env.tls.keyFile) } : undefined;

/** A missing or unreadable file stops the start with a message naming the variable. */
function readPem(variable: string, path: string): Buffer {
  try {
    return readFileSync(path);
  } catch (err) {
    console.error(`${variable}: cannot read ${path}: ${(err as Error).message}`);
    process.exit(1);
  }
}

async function startWorker() {
  const services = createServices(env.config);
  await services.start();
  if (env.warmupShoppers > 0) {
    const report = await warmUp(env.config, { shoppers: env.warmupShoppers, copies: env.warmupCopies, deadlineMs: env.warmupDeadlineMs }, services.log);
    if (report.stoppedBy) services.log.warn(report, "warm-up ended early; serving anyway");
    else services.log.info(report, "warmed up");
  }
  const app = createHttpApp(services, { tls });
  const port = await listen(app.server, env.port, env.host);
  services.log.info({ port, host: env.host, tls: tls !== undefined }, "api listening");
  return {
    async close() {
      await app.close();
      await services.close();
    },
  };
}

runClustered(env.workers, startWorker, { execArgv: env.workerExecArgv, accept: env.accept });

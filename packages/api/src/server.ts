/**
 * Process entry of the hot-path API: parses the environment once, then serves the router with
 * the lean node:http adapter in one worker per core (API_WORKERS).
 */
import { createHttpApp } from "./app.js";
import { parseEnv } from "./env.js";
import { listen, runClustered } from "./http/index.js";
import { createServices } from "./services.js";

const env = parseEnv();

async function startWorker() {
  const services = createServices(env.config);
  await services.start();
  const app = createHttpApp(services);
  const port = await listen(app.server, env.port, env.host);
  services.log.info({ port, host: env.host }, "api listening");
  return {
    async close() {
      await app.close();
      await services.close();
    },
  };
}

runClustered(env.workers, startWorker, { execArgv: env.workerExecArgv, accept: env.accept });

import type { Server } from "node:http";
import { createNodeContextFactory } from "./context.js";
import { closeServer, createApiServer, createLeanHandler, type TlsFiles } from "./http/index.js";
import { healthRoute, metricsRoute } from "./ops.js";
import { appRouter } from "./root.js";
import type { Services } from "./services.js";

export const API_BASE_PATH = "/api/trpc";

/**
 * The API as a node:http server: the router under /api/trpc through the lean adapter, plus
 * /metrics and /healthz. Used by the process entry (server.ts) and by the tests.
 */
export function createHttpApp(services: Services, opts: { tls?: TlsFiles } = {}): { server: Server; close(): Promise<void> } {
  const handler = createLeanHandler({
    router: appRouter,
    createContext: createNodeContextFactory(services),
    basePath: API_BASE_PATH,
    cors: { origins: services.config.allowedOrigins },
    // Procedure failures are logged by the procedures' middleware (trpc.ts), on every adapter.
  });
  const server = createApiServer({
    handler,
    basePath: API_BASE_PATH,
    routes: { "/metrics": metricsRoute(services), "/healthz": healthRoute(services) },
    tls: opts.tls,
  });
  return { server, close: () => closeServer(server, 2_000) };
}

export { createLeanHandler, type LeanCreateContextOptions, type LeanHandler, type LeanHandlerOptions } from "./lean-handler.js";
export { createApiServer, closeServer, listen, type ApiServerOptions, type RouteHandler } from "./server.js";
export type { TlsFiles } from "./protocols.js";
export { runClustered, type ClusterOptions, type Stoppable } from "./cluster.js";
export type { CorsOptions } from "./cors.js";
export { assignRequestId, requestIdOf, REQUEST_ID_HEADER } from "./request-id.js";

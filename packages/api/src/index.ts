import type { inferRouterInputs, inferRouterOutputs } from "@trpc/server";
import type { AppRouter } from "./root.js";

export { type AppRouter, appRouter } from "./root.js";
export { createCallerFactory, createTRPCRouter } from "./trpc.js";
export { type Context, createFetchContextFactory, createNodeContextFactory, type RequestMeta } from "./context.js";
export { createServices, type ServiceOverrides, type Services } from "./services.js";
export { type ApiConfig, defaultRateLimits, type RateLimitConfig } from "./config.js";
export { FakeGateway, GatewayError, type PaymentGateway, TEST_CARDS } from "./payment/gateway.js";
export { SESSION_COOKIE } from "./auth/cookies.js";
export type { ProductCard, SaleState } from "./catalog/cards.js";
export type { OrderView } from "./payment/orders.js";
export type { SessionUser, SignedIn } from "./auth/issue.js";
export type { RoomStats, SeriesPoint } from "./admin/rooms.js";
export type { TicketState, TicketStatus } from "@quickdeal/queue";
export { API_BASE_PATH, createHttpApp } from "./app.js";
export { createHealthCheck, type Health, type HealthCheck, healthRoute, metricsRoute } from "./ops.js";
export {
  type ApiServerOptions,
  closeServer,
  createApiServer,
  createLeanHandler,
  type LeanHandlerOptions,
  listen,
  runClustered,
} from "./http/index.js";

/** Inputs of every procedure, e.g. `RouterInputs["payment"]["checkout"]`. */
export type RouterInputs = inferRouterInputs<AppRouter>;
/** Outputs of every procedure, e.g. `RouterOutputs["catalog"]["list"]`. */
export type RouterOutputs = inferRouterOutputs<AppRouter>;

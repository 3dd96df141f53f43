import { adminRouter } from "./router/admin.js";
import { authRouter } from "./router/auth.js";
import { catalogRouter } from "./router/catalog.js";
import { kioskRouter } from "./router/kiosk.js";
import { ordersRouter } from "./router/orders.js";
import { paymentRouter } from "./router/payment.js";
import { queueRouter } from "./router/queue.js";
import { createTRPCRouter } from "./trpc.js";

export const appRouter = createTRPCRouter({
  auth: authRouter,
  catalog: catalogRouter,
  queue: queueRouter,
  payment: paymentRouter,
  orders: ordersRouter,
  admin: adminRouter,
  kiosk: kioskRouter,
});

export type AppRouter = typeof appRouter;

import { loadApi, loadFetchAdapter } from "@/server/runtime";
import { services } from "@/server/services";

// The router mounted in Next.js for same-origin clients and QA; browsers use the API process by default.
export const dynamic = "force-dynamic";
export const runtime = "nodejs";

async function handler(req: Request): Promise<Response> {
  let s: Awaited<ReturnType<typeof services>>;
  try {
    s = await services();
  } catch {
    return Response.json(
      { error: { message: "The service is starting or unavailable. Please retry.", code: -32603, data: { code: "INTERNAL_SERVER_ERROR", httpStatus: 503 } } },
      { status: 503 },
    );
  }
  const [api, { fetchRequestHandler }] = await Promise.all([loadApi(), loadFetchAdapter()]);
  return fetchRequestHandler({
    endpoint: "/api/trpc",
    req,
    router: api.appRouter,
    createContext: api.createFetchContextFactory(s),
    onError: ({ error, path }) => {
      if (error.code === "INTERNAL_SERVER_ERROR") s.log.error({ err: error.cause ?? error, path }, "tRPC error");
    },
  });
}

export { handler as GET, handler as POST };

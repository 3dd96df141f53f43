import type { Services } from "@quickdeal/api";
import type { DbHandle } from "@quickdeal/db";
import { apiConfig, databaseUrl } from "./env";
import { loadApi, loadDb } from "./runtime";

// One set of services per server process. Kept on globalThis so dev-mode reloads of this module
// reuse the Redis/Kafka/MySQL connections instead of leaking new ones.
const g = globalThis as typeof globalThis & {
  __qdServices?: Promise<Services>;
  __qdImageDb?: Promise<DbHandle>;
};

export function services(): Promise<Services> {
  g.__qdServices ??= (async () => {
    const api = await loadApi();
    const s = api.createServices(apiConfig(api.defaultRateLimits));
    await s.start();
    return s;
  })().catch((err: unknown) => {
    // Let the next request try again (e.g. Kafka was still starting).
    g.__qdServices = undefined;
    throw err;
  });
  return g.__qdServices;
}

/** A small pool for the image route: rendering a picture needs MySQL only, not Redis or Kafka. */
export function imageDb(): Promise<DbHandle> {
  g.__qdImageDb ??= loadDb().then((db) => db.createDb(databaseUrl(), { connectionLimit: 2 }));
  return g.__qdImageDb;
}

import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { pathToFileURL } from "node:url";

// Next (Turbopack) bundles workspace packages even when they are listed in serverExternalPackages
// (vercel/next.js#84388), which breaks their .lua/.sql assets and module-level singletons. So the
// server routes load them at run time with plain Node, from their built dist.

export type ApiModule = typeof import("@quickdeal/api");
export type DbModule = typeof import("@quickdeal/db");
export type FetchAdapter = typeof import("@trpc/server/adapters/fetch");

function nodeImport<T>(specifier: string): Promise<T> {
  return import(/* turbopackIgnore: true */ /* webpackIgnore: true */ specifier) as Promise<T>;
}

/** The app's directory: `next start`/`next dev` run there (turbo, npm -w and Playwright all cd into it). */
const appRequire = () => createRequire(join(process.cwd(), "package.json"));

export function loadApi(): Promise<ApiModule> {
  return nodeImport<ApiModule>(pathToFileURL(appRequire().resolve("@quickdeal/api")).href);
}

export function loadDb(): Promise<DbModule> {
  return nodeImport<DbModule>(pathToFileURL(appRequire().resolve("@quickdeal/db")).href);
}

/**
 * tRPC's fetch adapter from the same @trpc/server copy the API package uses: tracked SSE events are
 * tagged with a module-private symbol, so an adapter from another copy would not recognise them.
 */
export async function loadFetchAdapter(): Promise<FetchAdapter> {
  const apiEntry = appRequire().resolve("@quickdeal/api");
  const pkgJson = createRequire(apiEntry).resolve("@trpc/server/package.json");
  const pkg = JSON.parse(readFileSync(pkgJson, "utf8")) as { exports: Record<string, { import?: { default?: string } }> };
  const rel = pkg.exports["./adapters/fetch"]?.import?.default;
  if (!rel) throw new Error("@trpc/server has no ESM fetch adapter export");
  return nodeImport<FetchAdapter>(pathToFileURL(join(dirname(pkgJson), rel)).href);
}

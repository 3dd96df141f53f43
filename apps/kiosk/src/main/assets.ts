import { extname, join, normalize, sep } from "node:path";

export const APP_SCHEME = "app";
export const APP_HOST = "kiosk";
export const APP_ORIGIN = `${APP_SCHEME}://${APP_HOST}`;
export const APP_ENTRY = `${APP_ORIGIN}/index.html`;

const TYPES: Record<string, string> = {
  ".html": "text/html; charset=utf-8",
  ".js": "text/javascript; charset=utf-8",
  ".css": "text/css; charset=utf-8",
  ".svg": "image/svg+xml",
  ".png": "image/png",
  ".jpg": "image/jpeg",
  ".woff2": "font/woff2",
  ".json": "application/json",
  ".map": "application/json",
};

export function contentType(path: string): string {
  return TYPES[extname(path).toLowerCase()] ?? "application/octet-stream";
}

/**
 * The file under `root` that an `app://kiosk/...` URL names, or null for anything outside it
 * (another host, `..` tricks, encoded separators).
 */
export function resolveAsset(root: string, requestUrl: string): string | null {
  let url: URL;
  try {
    url = new URL(requestUrl);
  } catch {
    return null;
  }
  if (url.protocol !== `${APP_SCHEME}:` || url.host !== APP_HOST) return null;
  let path: string;
  try {
    path = decodeURIComponent(url.pathname);
  } catch {
    return null;
  }
  if (path.includes("\0") || path.includes("\\")) return null;
  if (path === "/" || path === "") path = "/index.html";
  const base = normalize(root.endsWith(sep) ? root : root + sep);
  const file = normalize(join(base, path));
  return file.startsWith(base) ? file : null;
}

/** Whether a navigation or IPC message comes from our own page. */
export function isAppUrl(url: string): boolean {
  try {
    const u = new URL(url);
    return u.protocol === `${APP_SCHEME}:` && u.host === APP_HOST;
  } catch {
    return false;
  }
}

/** Answers an `app://kiosk/...` request from the built renderer, with the CSP on every response. */
export async function serveAsset(root: string, requestUrl: string, csp: string): Promise<Response> {
  const { readFile } = await import("node:fs/promises");
  const headers = {
    "content-security-policy": csp,
    "x-content-type-options": "nosniff",
    "referrer-policy": "no-referrer",
    "cache-control": "no-store",
  };
  const file = resolveAsset(root, requestUrl);
  if (!file) return new Response("Not found", { status: 404, headers });
  try {
    const body = await readFile(file);
    return new Response(new Uint8Array(body), { status: 200, headers: { ...headers, "content-type": contentType(file) } });
  } catch {
    return new Response("Not found", { status: 404, headers });
  }
}

import type { IncomingMessage } from "node:http";
import type { TLSSocket } from "node:tls";
import { hostOf } from "./compat.js";

/** A request's path and query, and its full URL made only if somebody asks for it. */
export interface Target {
  pathname: string;
  searchParams: URLSearchParams;
  url(): URL;
}

// A path of characters WHATWG URL parsing leaves as they are, and a query of characters it either
// leaves or percent-encodes to what URLSearchParams decodes back (only `'`). No `%` in the path
// (tRPC decodes it), no `#`, spaces, backslashes or non-ASCII anywhere.
const PLAIN = /^\/[A-Za-z0-9_.,~!$'()*+;=:@/-]*(?:\?[A-Za-z0-9_.,~!$'()*+;=:@/?%&-]*)?$/;
// "." and ".." segments are resolved by URL parsing; "//x" would be read as a host.
const DOT_SEGMENT = /\/\.\.?(?:\/|$)/;

/**
 * Reads a request's target as `new URL(req.url, "http://host")` would, without building the URL
 * when the target is plain (every request tRPC's links send): parsing one cost ~3 % of a join's
 * API CPU in the profiles. Anything else goes through URL parsing as before.
 */
export function readTarget(req: IncomingMessage): Target | null {
  const raw = req.url ?? "/";
  const origin = base(req);
  const plain = plainTarget(raw);
  // A Host header URL parsing refuses still makes the request go the slow way, as before.
  if (plain && validBase(origin)) {
    let url: URL | undefined;
    return {
      pathname: plain.pathname,
      searchParams: plain.searchParams,
      url: () => {
        url ??= new URL(raw, origin);
        return url;
      },
    };
  }
  let url: URL;
  try {
    url = new URL(raw, origin);
  } catch {
    return null;
  }
  return { pathname: url.pathname, searchParams: url.searchParams, url: () => url };
}

/** The path and query of a plain target, or null where URL parsing could read it differently. */
export function plainTarget(raw: string): { pathname: string; searchParams: URLSearchParams } | null {
  if (!PLAIN.test(raw) || raw.startsWith("//")) return null;
  const q = raw.indexOf("?");
  const pathname = q === -1 ? raw : raw.slice(0, q);
  if (DOT_SEGMENT.test(pathname)) return null;
  const query = q === -1 ? "" : raw.slice(q + 1);
  // URLSearchParams drops a leading "?" of its string; URL parsing keeps it as part of the first name.
  if (query.startsWith("?")) return null;
  return { pathname, searchParams: new URLSearchParams(query) };
}

// Whether each origin seen parses: a process sees a handful (its Host headers), so it is kept.
const validOrigins = new Map<string, boolean>();
function validBase(origin: string): boolean {
  let ok = validOrigins.get(origin);
  if (ok === undefined) {
    ok = URL.canParse("/", origin);
    if (validOrigins.size >= 256) validOrigins.clear();
    validOrigins.set(origin, ok);
  }
  return ok;
}

function base(req: IncomingMessage): string {
  const secure = (req.socket as Partial<TLSSocket>).encrypted === true;
  return `${secure ? "https:" : "http:"}//${hostOf(req) ?? "localhost"}`;
}

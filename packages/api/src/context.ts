import { randomUUID } from "node:crypto";
import type { IncomingMessage, ServerResponse } from "node:http";
import type { TRPCRequestInfo } from "@trpc/server/http";
import type { Session } from "./auth/session.js";
import type { Services } from "./services.js";

/** What procedures may know about the HTTP request, whichever adapter serves it. */
export interface RequestMeta {
  /** A header by lower-case name (several values joined with ", "). */
  header(name: string): string | undefined;
  /** Client address (X-Forwarded-For only when the config trusts a proxy). */
  ip: string;
  /** Adds a Set-Cookie header; throws once the response headers were sent (streaming links). */
  setCookie(cookie: string): void;
  /** Sent by `httpSubscriptionLink({ connectionParams })`: lets an EventSource carry a bearer token. */
  connectionParams: Record<string, string | undefined> | null;
}

export interface Authenticated {
  session: Session;
  /** Cookie sessions need the CSRF origin check on mutations; bearer tokens do not. */
  via: "cookie" | "bearer";
}

export interface Context {
  services: Services;
  req: RequestMeta;
  requestId: string;
  /**
   * Filled on first use by the protected middlewares: public procedures never pay for decoding
   * a session.
   */
  auth?: Promise<Authenticated | null>;
}

const REQUEST_ID = /^[A-Za-z0-9._:-]{1,64}$/;

function requestIdFrom(header: string | undefined): string {
  return header && REQUEST_ID.test(header) ? header : randomUUID();
}

function firstForwarded(xff: string | undefined): string | undefined {
  const first = xff?.split(",")[0]?.trim();
  return first || undefined;
}

/** Context for node:http based adapters (the lean adapter, tRPC's standalone adapter). */
export function createNodeContextFactory(services: Services) {
  const trustProxy = services.config.trustProxy;
  return ({ req, res, info }: { req: IncomingMessage; res: ServerResponse; info?: TRPCRequestInfo }): Context => {
    const header = (name: string) => {
      const v = req.headers[name];
      return Array.isArray(v) ? v.join(", ") : v;
    };
    return {
      services,
      requestId: requestIdFrom(header("x-request-id")),
      req: {
        header,
        ip:
          (trustProxy ? firstForwarded(header("x-forwarded-for")) : undefined) ??
          req.socket.remoteAddress ??
          "unknown",
        setCookie(cookie) {
          if (res.headersSent) throw new Error("cannot set a cookie after the response started streaming");
          res.appendHeader("set-cookie", cookie);
        },
        connectionParams: info?.connectionParams ?? null,
      },
    };
  };
}

/** Context for fetch adapters (Next.js route handlers): `resHeaders` become the response's. */
export function createFetchContextFactory(services: Services, opts: { ip?: (req: Request) => string | undefined } = {}) {
  const trustProxy = services.config.trustProxy;
  return ({ req, resHeaders, info }: { req: Request; resHeaders: Headers; info?: TRPCRequestInfo }): Context => {
    const header = (name: string) => req.headers.get(name) ?? undefined;
    return {
      services,
      requestId: requestIdFrom(header("x-request-id")),
      req: {
        header,
        ip:
          opts.ip?.(req) ??
          (trustProxy ? firstForwarded(header("x-forwarded-for")) : undefined) ??
          "unknown",
        setCookie(cookie) {
          resHeaders.append("set-cookie", cookie);
        },
        connectionParams: info?.connectionParams ?? null,
      },
    };
  };
}

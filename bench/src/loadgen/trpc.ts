import { Pool } from "undici";

/** A failed call: the tRPC error code (or the network error's name) and, for our API, the reason. */
export class CallError extends Error {
  constructor(
    readonly code: string,
    readonly status: number,
    readonly reason: string | null,
    message: string,
  ) {
    super(message);
  }

  /** Worth another try with the same input (and the same idempotency key). */
  get retryable(): boolean {
    return this.status === 0 || this.status >= 500 || this.code === "TOO_MANY_REQUESTS";
  }
}

interface ErrorEnvelope {
  error?: { message?: string; data?: { code?: string; reason?: string | null } };
}

/**
 * tRPC's HTTP wire format over an undici keep-alive pool: GET `?input=<json>` for queries, a JSON
 * body for mutations, `{"result":{"data":…}}` back. Written out by hand (not @trpc/client) so
 * the load generator spends as little CPU per call as possible.
 */
export class TrpcHttp {
  readonly pool: Pool;

  constructor(
    origin: string,
    connections: number,
    private readonly base = "/api/trpc",
  ) {
    this.pool = new Pool(origin, { connections, pipelining: 1, keepAliveTimeout: 60_000, headersTimeout: 60_000, bodyTimeout: 60_000 });
  }

  query<T>(path: string, input: unknown, token?: string): Promise<T> {
    const q = input === undefined ? "" : `?input=${encodeURIComponent(JSON.stringify(input))}`;
    return this.send<T>("GET", `${this.base}/${path}${q}`, undefined, token);
  }

  mutation<T>(path: string, input: unknown, token?: string): Promise<T> {
    return this.send<T>("POST", `${this.base}/${path}`, input === undefined ? undefined : JSON.stringify(input), token);
  }

  private async send<T>(method: "GET" | "POST", path: string, body: string | undefined, token?: string): Promise<T> {
    const headers: Record<string, string> = {};
    if (token) headers.authorization = `Bearer ${token}`;
    if (body !== undefined) headers["content-type"] = "application/json";
    let status = 0;
    let text: string;
    try {
      const res = await this.pool.request({ method, path, headers, body });
      status = res.statusCode;
      text = await res.body.text();
    } catch (err) {
      const e = err as { code?: string; name?: string; message?: string };
      throw new CallError(e.code ?? e.name ?? "NETWORK", 0, null, e.message ?? String(err));
    }
    if (status === 200) return (JSON.parse(text) as { result: { data: T } }).result.data;
    let env: ErrorEnvelope = {};
    try {
      env = JSON.parse(text) as ErrorEnvelope;
    } catch {
      // not JSON: keep the status only
    }
    throw new CallError(env.error?.data?.code ?? `HTTP_${status}`, status, env.error?.data?.reason ?? null, env.error?.message ?? text.slice(0, 200));
  }

  close(): Promise<void> {
    return this.pool.close();
  }
}

/** Times one call into a recorder-friendly outcome. */
export async function timed<T>(fn: () => Promise<T>): Promise<{ ok: true; value: T; ms: number } | { ok: false; error: CallError; ms: number }> {
  const started = performance.now();
  try {
    const value = await fn();
    return { ok: true, value, ms: performance.now() - started };
  } catch (err) {
    const error = err instanceof CallError ? err : new CallError("CLIENT", 0, null, String(err));
    return { ok: false, error, ms: performance.now() - started };
  }
}

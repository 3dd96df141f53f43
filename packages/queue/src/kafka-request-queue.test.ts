import { createRequire } from "node:module";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";

// patches/kafkajs+2.2.4.patch (applied by `postinstall`): after its first answer, every kafkajs
// connection re-armed a 1 ms timer to look for requests waiting behind throttling or the in-flight
// limit, whether any waited or not (kafkajs issue 1556): ~900 wake-ups a second per connection,
// 3.5 % of a core for an idle producer here. The patch arms the check only when something waits.

interface Entry {
  correlationId: number;
  apiKey: number;
  apiName: string;
  apiVersion: number;
  resolve(v: unknown): void;
  reject(e: unknown): void;
}
interface RequestQueue {
  push(r: { entry: Entry; expectResponse: boolean; sendRequest(): void }): void;
  fulfillRequest(r: { correlationId: number; payload: Buffer; size: number }): void;
  maybeThrottle(ms: number): void;
  checkPendingRequests(): void;
  destroy(): void;
}
type RequestQueueClass = new (o: {
  maxInFlightRequests: number | null;
  requestTimeout: number;
  enforceRequestTimeout: boolean;
  clientId: string;
  broker: string;
  logger: Record<"debug" | "info" | "warn" | "error", () => void>;
}) => RequestQueue;

const require = createRequire(import.meta.url);
const RequestQueueImpl = require("kafkajs/src/network/requestQueue/index.js") as RequestQueueClass;
const quiet = { debug() {}, info() {}, warn() {}, error() {} };

describe("kafkajs request queue (patched)", () => {
  let queue: RequestQueue;
  let sent: number[];
  let checks: number;

  beforeEach(() => {
    vi.useFakeTimers();
    queue = new RequestQueueImpl({
      maxInFlightRequests: 1,
      requestTimeout: 30_000,
      enforceRequestTimeout: false,
      clientId: "test",
      broker: "127.0.0.1:9092",
      logger: quiet,
    });
    sent = [];
    checks = 0;
    const check = queue.checkPendingRequests.bind(queue);
    queue.checkPendingRequests = () => {
      checks++;
      check();
    };
  });
  afterEach(() => {
    queue.destroy();
    vi.useRealTimers();
  });

  function push(correlationId: number): void {
    const entry: Entry = { correlationId, apiKey: 0, apiName: "Produce", apiVersion: 7, resolve() {}, reject() {} };
    queue.push({ entry, expectResponse: true, sendRequest: () => sent.push(correlationId) });
  }
  const answer = (correlationId: number) => queue.fulfillRequest({ correlationId, payload: Buffer.alloc(0), size: 0 });

  it("arms no timer once nothing waits", () => {
    push(1);
    answer(1);
    checks = 0;
    vi.advanceTimersByTime(1000);
    expect(checks).toBe(0);
    expect(vi.getTimerCount()).toBe(0);
  });

  it("sends a request held by the in-flight limit when the one ahead is answered", () => {
    push(1);
    push(2);
    expect(sent).toEqual([1]);
    answer(1);
    expect(sent).toEqual([1, 2]);
  });

  it("sends a request held by client-side throttling when the throttle ends", () => {
    queue.maybeThrottle(50);
    push(1);
    vi.advanceTimersByTime(40);
    expect(sent).toEqual([]);
    vi.advanceTimersByTime(20);
    expect(sent).toEqual([1]);
    answer(1);
    checks = 0;
    vi.advanceTimersByTime(1000);
    expect(checks).toBe(0);
  });
});

import { describe, expect, it } from "vitest";
import { DEFAULT_PACE_RULE, JOIN_FULL_BATCH, JOIN_LINGER_MS } from "@quickdeal/queue";
import { INTERRUPT_BUDGET_DEFAULT, parseEnv } from "./env.js";

const BUDGET = `--interrupt-budget=${INTERRUPT_BUDGET_DEFAULT}`;

describe("parseEnv", () => {
  it("gives each API worker a 16 MiB young generation unless told otherwise", () => {
    expect(parseEnv({}).workerExecArgv).toEqual(["--max-semi-space-size=16", "--no-memory-reducer", BUDGET]);
    expect(parseEnv({ API_YOUNG_GEN_MB: "64" }).workerExecArgv).toEqual(["--max-semi-space-size=64", "--no-memory-reducer", BUDGET]);
    // 0 leaves V8's own default.
    expect(parseEnv({ API_YOUNG_GEN_MB: "0" }).workerExecArgv).toEqual(["--no-memory-reducer", BUDGET]);
  });

  it("turns V8's memory reducer off in the workers unless told to keep it, and refuses anything else", () => {
    expect(parseEnv({ API_MEMORY_REDUCER: "on" }).workerExecArgv).toEqual(["--max-semi-space-size=16", BUDGET]);
    expect(parseEnv({ API_MEMORY_REDUCER: "off", API_YOUNG_GEN_MB: "0" }).workerExecArgv).toEqual(["--no-memory-reducer", BUDGET]);
    for (const bad of ["true", "ON", ""]) {
      expect(() => parseEnv({ API_MEMORY_REDUCER: bad }), bad).toThrow(/API_MEMORY_REDUCER/);
    }
  });

  it("gives the workers a lower interrupt budget than V8's unless told otherwise, 0 leaving V8's", () => {
    expect(INTERRUPT_BUDGET_DEFAULT).toBeLessThan(67_584);
    expect(parseEnv({ API_INTERRUPT_BUDGET: "11000" }).workerExecArgv).toContain("--interrupt-budget=11000");
    const own = parseEnv({ API_INTERRUPT_BUDGET: "0" }).workerExecArgv;
    expect(own.some((flag) => flag.startsWith("--interrupt-budget"))).toBe(false);
    for (const bad of ["-1", "1.5", "10000001", "soon"]) {
      expect(() => parseEnv({ API_INTERRUPT_BUDGET: bad }), bad).toThrow(/API_INTERRUPT_BUDGET/);
    }
  });

  it("refuses a young generation size that is not a whole number of MiB in range", () => {
    for (const bad of ["-1", "1.5", "513", "lots"]) {
      expect(() => parseEnv({ API_YOUNG_GEN_MB: bad }), bad).toThrow(/API_YOUNG_GEN_MB/);
    }
  });

  it("lets the workers accept connections unless told to leave it to the primary, and refuses anything else", () => {
    expect(parseEnv({}).accept).toBe("workers");
    expect(parseEnv({ API_ACCEPT: "primary" }).accept).toBe("primary");
    expect(() => parseEnv({ API_ACCEPT: "kernel" })).toThrow(/API_ACCEPT/);
  });

  it("warms each worker with 10,000 shoppers unless told otherwise; 0 skips it", () => {
    expect(parseEnv({}).warmupShoppers).toBe(10_000);
    expect(parseEnv({ API_WARMUP_SHOPPERS: "0" }).warmupShoppers).toBe(0);
    expect(parseEnv({ API_WARMUP_SHOPPERS: "50" }).warmupShoppers).toBe(50);
    for (const bad of ["-1", "2.5", "100001", "many"]) {
      expect(() => parseEnv({ API_WARMUP_SHOPPERS: bad }), bad).toThrow(/API_WARMUP_SHOPPERS/);
    }
  });

  it("shares the warm-up among two scratch copies unless told otherwise", () => {
    expect(parseEnv({}).warmupCopies).toBe(2);
    expect(parseEnv({ API_WARMUP_COPIES: "1" }).warmupCopies).toBe(1);
    for (const bad of ["0", "9", "1.5", "two"]) {
      expect(() => parseEnv({ API_WARMUP_COPIES: bad }), bad).toThrow(/API_WARMUP_COPIES/);
    }
  });

  it("gives the warm-up 20 s unless told otherwise, in whole seconds up to five minutes", () => {
    expect(parseEnv({}).warmupDeadlineMs).toBe(20_000);
    expect(parseEnv({ API_WARMUP_SECONDS: "45" }).warmupDeadlineMs).toBe(45_000);
    for (const bad of ["0", "301", "2.5", "soon"]) {
      expect(() => parseEnv({ API_WARMUP_SECONDS: bad }), bad).toThrow(/API_WARMUP_SECONDS/);
    }
  });

  it("takes the join log's linger in whole milliseconds, the queue's default unless told otherwise", () => {
    expect(parseEnv({}).config.joinLingerMs).toBe(JOIN_LINGER_MS);
    expect(parseEnv({ KAFKA_JOIN_LINGER_MS: "0" }).config.joinLingerMs).toBe(0);
    for (const bad of ["-1", "2.5", "1001", "soon"]) {
      expect(() => parseEnv({ KAFKA_JOIN_LINGER_MS: bad }), bad).toThrow(/KAFKA_JOIN_LINGER_MS/);
    }
  });

  it("takes the count of joins that ends the linger, the queue's default unless told otherwise", () => {
    expect(parseEnv({}).config.joinFullBatch).toBe(JOIN_FULL_BATCH);
    expect(parseEnv({ KAFKA_JOIN_FULL_BATCH: "500" }).config.joinFullBatch).toBe(500);
    for (const bad of ["0", "-1", "2.5", "2001", "many"]) {
      expect(() => parseEnv({ KAFKA_JOIN_FULL_BATCH: bad }), bad).toThrow(/KAFKA_JOIN_FULL_BATCH/);
    }
  });

  it("takes how far watchers' intervals may stretch under load, 1 to keep them as they are", () => {
    expect(parseEnv({}).config.watchMaxStretch).toBe(DEFAULT_PACE_RULE.maxStretch);
    expect(parseEnv({ WATCH_MAX_STRETCH: "1" }).config.watchMaxStretch).toBe(1);
    for (const bad of ["0", "-2", "1.5", "17", "lots"]) {
      expect(() => parseEnv({ WATCH_MAX_STRETCH: bad }), bad).toThrow(/WATCH_MAX_STRETCH/);
    }
  });

  it("serves TLS only when both the certificate and the key are given", () => {
    expect(parseEnv({}).tls).toBeUndefined();
    expect(parseEnv({ API_TLS_CERT_FILE: "/etc/qd/cert.pem", API_TLS_KEY_FILE: "/etc/qd/key.pem" }).tls).toEqual({
      certFile: "/etc/qd/cert.pem",
      keyFile: "/etc/qd/key.pem",
    });
    expect(() => parseEnv({ API_TLS_CERT_FILE: "/etc/qd/cert.pem" })).toThrow(/set both or neither/);
    expect(() => parseEnv({ API_TLS_KEY_FILE: "/etc/qd/key.pem" })).toThrow(/set both or neither/);
  });
});

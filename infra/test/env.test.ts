import { describe, expect, it } from "vitest";
import { isLoopback, parseDotenv } from "../scripts/lib/env.mjs";

describe("parseDotenv", () => {
  it("reads KEY=VALUE lines, quotes, export and comments", () => {
    const env = parseDotenv(
      [
        "# a comment",
        "DATABASE_URL=mysql://root@127.0.0.1:3306/quickdeal",
        "export REDIS_URL = redis://127.0.0.1:6380  # trailing comment",
        `AUTH_SECRET="with # hash and spaces"`,
        "EMPTY=",
        "not a line",
      ].join("\n"),
    );
    expect(env).toEqual({
      DATABASE_URL: "mysql://root@127.0.0.1:3306/quickdeal",
      REDIS_URL: "redis://127.0.0.1:6380",
      AUTH_SECRET: "with # hash and spaces",
      EMPTY: "",
    });
  });

  it("knows which hosts are this machine", () => {
    expect(isLoopback("127.0.0.1")).toBe(true);
    expect(isLoopback("localhost")).toBe(true);
    expect(isLoopback("db.internal")).toBe(false);
  });
});

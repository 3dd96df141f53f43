import { TRPCClientError } from "@trpc/client";
import { describe, expect, it } from "vitest";
import { errorCode, errorMessage, fieldErrors } from "./errors";

function clientError(message: string, data: Record<string, unknown>) {
  return TRPCClientError.from({ error: { message, code: -32600, data } });
}

describe("errors", () => {
  it("shows the server's human message and code", () => {
    const e = clientError("Your card was declined.", { code: "PAYMENT_REQUIRED", httpStatus: 402 });
    expect(errorMessage(e)).toBe("Your card was declined.");
    expect(errorCode(e)).toBe("PAYMENT_REQUIRED");
  });
  it("turns network failures into a plain sentence", () => {
    const e = new TRPCClientError("Failed to fetch");
    expect(errorMessage(e)).toMatch(/can't reach QuickDeal/);
    expect(errorCode(e)).toBeNull();
  });
  it("extracts zod field errors", () => {
    const e = clientError("Invalid input", { code: "BAD_REQUEST", zodError: { fieldErrors: { "card.number": ["is not a valid card number"], name: [] } } });
    expect(fieldErrors(e)).toEqual({ "card.number": "is not a valid card number" });
    expect(fieldErrors(new Error("x"))).toEqual({});
  });
  it("falls back for unknown throws", () => {
    expect(errorMessage("boom")).toBe("Something went wrong. Please try again.");
    expect(errorMessage(new Error("Plain"))).toBe("Plain");
  });
});

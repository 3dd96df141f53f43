import { describe, expect, it } from "vitest";
import { safeNext, welcomeHref } from "./nav";

describe("safeNext", () => {
  it("keeps same-site paths", () => {
    expect(safeNext("/products/3")).toBe("/products/3");
    expect(safeNext("/queue/3?x=1")).toBe("/queue/3?x=1");
  });
  it("refuses other sites and junk", () => {
    expect(safeNext("https://evil.example")).toBe("/");
    expect(safeNext("//evil.example")).toBe("/");
    expect(safeNext("/\\evil.example")).toBe("/");
    expect(safeNext(null, "/orders")).toBe("/orders");
  });
  it("builds the welcome link", () => {
    expect(welcomeHref("/products/3")).toBe("/welcome?next=%2Fproducts%2F3");
  });
});

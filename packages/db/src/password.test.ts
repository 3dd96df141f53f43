import { describe, expect, it } from "vitest";
import { hashPassword, verifyPassword } from "./password.js";

describe("password hashing", () => {
  it("round-trips and rejects a wrong password", async () => {
    const h = await hashPassword("s3cret-pässwörd");
    expect(h).toMatch(/^scrypt\$16384\$8\$1\$[A-Za-z0-9_-]+\$[A-Za-z0-9_-]+$/);
    expect(await verifyPassword("s3cret-pässwörd", h)).toBe(true);
    expect(await verifyPassword("s3cret-passwort", h)).toBe(false);
    expect(await verifyPassword("", h)).toBe(false);
  });

  it("salts every hash", async () => {
    const [a, b] = await Promise.all([hashPassword("same"), hashPassword("same")]);
    expect(a).not.toBe(b);
    expect(await verifyPassword("same", a)).toBe(true);
    expect(await verifyPassword("same", b)).toBe(true);
  });

  it("refuses malformed or tampered hashes instead of throwing", async () => {
    const good = await hashPassword("pw");
    const parts = good.split("$");
    for (const bad of [
      "",
      "plain",
      "bcrypt$x",
      good.replace("scrypt$", "script$"),
      ["scrypt", String(2 ** 30), ...parts.slice(2)].join("$"), // would need gigabytes
      ["scrypt", "1000", ...parts.slice(2)].join("$"), // not a power of two
      [...parts.slice(0, 5), ""].join("$"),
    ]) {
      expect(await verifyPassword("pw", bad), bad).toBe(false);
    }
  });
});

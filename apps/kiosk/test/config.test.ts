import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { configTemplate, parseConfigText, validateConfig } from "../src/core/config.js";
import { loadDeviceConfig } from "../src/main/config-file.js";

const good = {
  apiUrl: "https://api.shop.test/api/trpc",
  kioskId: "8b3c1f2e-1111-4222-8333-944455556666",
  key: "qdk_0123456789abcdef0123456789",
};

describe("device config", () => {
  it("accepts the three required fields and fills in the defaults", () => {
    const r = validateConfig(good);
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.config).toMatchObject({
      apiUrl: "https://api.shop.test/api/trpc",
      imagesUrl: null,
      locale: "en-US",
      kioskMode: true,
      devTools: false,
      idle: { browseSec: 60, waitingSec: 600, checkoutSec: 120, receiptSec: 30, noticeSec: 15, warnSec: 10 },
    });
  });

  it("adds the tRPC path to a bare API origin and keeps images to an origin", () => {
    const r = validateConfig({ ...good, apiUrl: "http://10.0.0.5:4000/", imagesUrl: "https://shop.test/some/page" });
    expect(r.ok && r.config.apiUrl).toBe("http://10.0.0.5:4000/api/trpc");
    expect(r.ok && r.config.imagesUrl).toBe("https://shop.test");
  });

  it("explains every problem by field", () => {
    const r = validateConfig({ apiUrl: "ftp://x", kioskId: "front-door", key: "short", idle: { browseSec: 1 }, colour: "red" });
    expect(r.ok).toBe(false);
    if (r.ok) return;
    const text = r.problems.join("\n");
    expect(text).toMatch(/^apiUrl: must be an http\(s\) URL/m);
    expect(text).toMatch(/^kioskId: must be the kiosk id/m);
    expect(text).toMatch(/^key: is too short/m);
    expect(text).toMatch(/^idle\.browseSec: /m);
    expect(text).toMatch(/colour/);
  });

  it("refuses credentials inside the API URL and unknown locales", () => {
    expect(validateConfig({ ...good, apiUrl: "https://user:pw@api.shop.test" }).ok).toBe(false);
    expect(validateConfig({ ...good, locale: "not a locale!" }).ok).toBe(false);
  });

  it("reports broken JSON instead of throwing", () => {
    const r = parseConfigText("{ apiUrl: ");
    expect(r).toMatchObject({ ok: false, problems: [expect.stringMatching(/^not valid JSON/)] });
  });

  it("ships a template whose shape is valid once filled in", () => {
    const filled = { ...configTemplate(), ...good };
    expect(validateConfig(filled).ok).toBe(true);
  });
});

describe("config file in the userData folder", () => {
  let dir = "";
  afterEach(async () => {
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it("writes an example and says what to do when kiosk.json is missing", async () => {
    dir = await mkdtemp(join(tmpdir(), "kiosk-config-"));
    const r = await loadDeviceConfig(dir);
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.problems[0]).toContain("kiosk.json does not exist");
    const example = JSON.parse(await readFile(join(dir, "kiosk.example.json"), "utf8"));
    expect(example).toHaveProperty("apiUrl");
  });

  it("loads a valid file and prefixes problems with the file name", async () => {
    dir = await mkdtemp(join(tmpdir(), "kiosk-config-"));
    await writeFile(join(dir, "kiosk.json"), JSON.stringify(good));
    const r = await loadDeviceConfig(dir);
    expect(r).toMatchObject({ ok: true, path: join(dir, "kiosk.json"), config: { kioskId: good.kioskId } });

    await writeFile(join(dir, "kiosk.json"), JSON.stringify({ ...good, key: "x" }));
    const bad = await loadDeviceConfig(dir);
    expect(bad).toMatchObject({ ok: false, problems: [expect.stringMatching(/^kiosk\.json: key: /)] });
  });
});

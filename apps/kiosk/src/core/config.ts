import { z } from "zod";

/** The tRPC endpoint path of the API server, appended when the operator gives only a base URL. */
export const DEFAULT_API_PATH = "/api/trpc";

const seconds = (min: number, max: number, def: number) => z.int("must be a whole number of seconds").min(min).max(max).default(def);

const httpUrl = z
  .string()
  .trim()
  .refine((s) => {
    try {
      const u = new URL(s);
      return (u.protocol === "http:" || u.protocol === "https:") && !u.username && !u.password;
    } catch {
      return false;
    }
  }, "must be an http(s) URL without user or password");

/** Idle timeouts per screen: a shopper who walks away leaves the kiosk clean for the next one. */
export const idleSchema = z
  .object({
    browseSec: seconds(10, 3600, 60),
    /** Waiting in line is passive, so only a long silence counts as walking away. */
    waitingSec: seconds(60, 3600, 600),
    checkoutSec: seconds(20, 3600, 120),
    receiptSec: seconds(5, 600, 30),
    noticeSec: seconds(5, 600, 15),
    /** "Still there?" shows this long before the reset. */
    warnSec: seconds(0, 60, 10),
  })
  .strict();

export const kioskConfigSchema = z
  .object({
    /** The API's tRPC endpoint, e.g. https://api.example.com/api/trpc (a bare origin gets /api/trpc). */
    apiUrl: httpUrl.transform((s) => {
      const u = new URL(s);
      if (u.pathname === "/" || u.pathname === "") u.pathname = DEFAULT_API_PATH;
      return u.toString().replace(/\/$/, "");
    }),
    kioskId: z.uuid("must be the kiosk id shown when the kiosk was registered"),
    key: z.string().trim().min(16, "is too short: paste the whole key shown at registration").max(200),
    /** Where product images (`/img/...` paths) are served: the web storefront's origin. */
    imagesUrl: httpUrl.transform((s) => new URL(s).origin).nullable().default(null),
    locale: z
      .string()
      .default("en-US")
      .refine((s) => {
        try {
          return Intl.NumberFormat.supportedLocalesOf([s]).length > 0;
        } catch {
          return false;
        }
      }, "must be a locale like en-US"),
    idle: idleSchema.default(() => idleSchema.parse({})),
    /** Full-screen kiosk mode; turn off only on a developer's machine. */
    kioskMode: z.boolean().default(true),
    devTools: z.boolean().default(false),
  })
  .strict();

export type KioskConfig = z.output<typeof kioskConfigSchema>;
export type KioskConfigInput = z.input<typeof kioskConfigSchema>;
export type IdleConfig = KioskConfig["idle"];

export type ConfigResult = { ok: true; config: KioskConfig } | { ok: false; problems: string[] };

/** Validates an already parsed JSON value; problems read like "apiUrl: must be an http(s) URL …". */
export function validateConfig(value: unknown): ConfigResult {
  const parsed = kioskConfigSchema.safeParse(value);
  if (parsed.success) return { ok: true, config: parsed.data };
  return {
    ok: false,
    problems: parsed.error.issues.map((i) => (i.path.length ? `${i.path.join(".")}: ${i.message}` : i.message)),
  };
}

/** Parses the text of the device's config file. */
export function parseConfigText(text: string): ConfigResult {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (err) {
    return { ok: false, problems: [`not valid JSON (${(err as Error).message})`] };
  }
  return validateConfig(value);
}

/** What an operator starts from: every field explained by its placeholder. */
export function configTemplate(): Record<string, unknown> {
  return {
    apiUrl: "https://api.example.com/api/trpc",
    kioskId: "00000000-0000-0000-0000-000000000000",
    key: "qdk_paste-the-key-shown-once-at-registration",
    imagesUrl: "https://shop.example.com",
    locale: "en-US",
    idle: idleSchema.parse({}),
    kioskMode: true,
    devTools: false,
  };
}

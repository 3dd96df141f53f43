import { z } from "zod";

const schema = z.object({
  QUICKDEAL_KIOSK_CONFIG: z.string().min(1).default("kiosk.json"),
  KIOSK_PREVIEW_PORT: z.coerce.number().int().min(0).max(65535).default(4300),
});

export function parsePreviewEnv(env: NodeJS.ProcessEnv = process.env): { configPath: string; port: number } {
  const e = schema.parse(env);
  return { configPath: e.QUICKDEAL_KIOSK_CONFIG, port: e.KIOSK_PREVIEW_PORT };
}

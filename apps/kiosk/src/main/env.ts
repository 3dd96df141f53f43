import { z } from "zod";

/** The kiosk's only environment knob: a config file path for developers (devices use userData). */
const schema = z.object({
  QUICKDEAL_KIOSK_CONFIG: z.string().min(1).optional(),
});

export interface MainEnv {
  configPath: string | undefined;
}

export function parseMainEnv(env: NodeJS.ProcessEnv = process.env): MainEnv {
  const e = schema.parse(env);
  return { configPath: e.QUICKDEAL_KIOSK_CONFIG };
}

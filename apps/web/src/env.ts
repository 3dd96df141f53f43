import { z } from "zod";

// Read at request time by the root layout (not inlined at build), so one build serves any API URL.
const publicSchema = z.object({
  /** Where browsers call tRPC: the hot-path API process, or "/api/trpc" to use this app's own route. */
  NEXT_PUBLIC_API_URL: z.string().min(1).default("http://localhost:4000/api/trpc"),
  /** Demo mode lists the fake gateway's test cards on the checkout page. */
  NEXT_PUBLIC_DEMO_MODE: z.enum(["true", "false"]).default("true"),
});

export interface PublicConfig {
  apiUrl: string;
  demoMode: boolean;
}

export function publicConfig(env: NodeJS.ProcessEnv = process.env): PublicConfig {
  const e = publicSchema.parse(env);
  return { apiUrl: e.NEXT_PUBLIC_API_URL.replace(/\/$/, ""), demoMode: e.NEXT_PUBLIC_DEMO_MODE === "true" };
}

import { z } from "zod";

// Env of the db CLI entries (migrate, seed); library code takes these as arguments instead.
const schema = z.object({
  DATABASE_URL: z.string().regex(/^mysql:\/\//, "must be a mysql:// URL").default("mysql://root@127.0.0.1:3306/quickdeal"),
  ADMIN_EMAIL: z.email().default("admin@quickdeal.local"),
  ADMIN_PASSWORD: z.string().min(8).default("admin-demo-password"),
});

export type DbEnv = z.infer<typeof schema>;

export function loadEnv(source: Record<string, string | undefined> = process.env): DbEnv {
  return schema.parse(source);
}

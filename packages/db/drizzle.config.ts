import { defineConfig } from "drizzle-kit";

// `drizzle-kit generate` only reads the schema; no database connection is needed.
export default defineConfig({
  dialect: "mysql",
  schema: "./src/schema.ts",
  out: "./migrations",
});

import { loadEnv } from "../env.js";
import { databaseName, migrate } from "../migrate.js";

const env = loadEnv();
try {
  await migrate(env.DATABASE_URL);
  console.log(`db: migrations applied to ${databaseName(env.DATABASE_URL)}`);
} catch (err) {
  console.error("db: migration failed:", err instanceof Error ? err.message : err);
  process.exitCode = 1;
}

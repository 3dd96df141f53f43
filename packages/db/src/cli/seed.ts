import { createDb } from "../client.js";
import { loadEnv } from "../env.js";
import { seed } from "../seed.js";

const env = loadEnv();
const { db, close } = createDb(env.DATABASE_URL, { connectionLimit: 2 });
try {
  const r = await seed(db, { adminEmail: env.ADMIN_EMAIL, adminPassword: env.ADMIN_PASSWORD });
  console.log(
    r.productsInserted > 0
      ? `db: seeded ${r.productsInserted} demo products`
      : "db: products already present, catalog left as is",
  );
  if (r.adminCreated) console.log(`db: created admin ${env.ADMIN_EMAIL}`);
} catch (err) {
  console.error("db: seed failed:", err instanceof Error ? err.message : err);
  process.exitCode = 1;
} finally {
  await close();
}

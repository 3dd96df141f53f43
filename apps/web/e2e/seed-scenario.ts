// QA helper: create a product on sale now with a given stock, checkout capacity and hold (TTL),
// without clicking through the console. Calls admin.scenario on the API as the seeded admin.
//
//   npx tsx apps/web/e2e/seed-scenario.ts --stock 5 --capacity 2 --ttl 60 [--name "Drop"] [--price 1999]
//       [--starts-in 0] [--duration 3600] [--api http://localhost:4000/api/trpc]
//
// Prints the product as JSON (id, slug, …) so a test can open /products/<id> or /queue/<id>.
import { parseArgs } from "node:util";
import { scenario } from "./api";

const { values } = parseArgs({
  options: {
    stock: { type: "string", default: "10" },
    capacity: { type: "string", default: "2" },
    ttl: { type: "string", default: "120" },
    name: { type: "string" },
    price: { type: "string", default: "1999" },
    "starts-in": { type: "string", default: "0" },
    duration: { type: "string" },
    api: { type: "string" },
  },
});

if (values.api) process.env.E2E_API_URL = values.api;
else process.env.E2E_API_URL ??= process.env.API_URL ?? "http://localhost:4000/api/trpc";

const product = await scenario({
  name: values.name,
  stock: Number(values.stock),
  capacity: Number(values.capacity),
  checkoutTtlSec: Number(values.ttl),
  priceMinor: Number(values.price),
  startsInSec: Number(values["starts-in"]),
  durationSec: values.duration ? Number(values.duration) : null,
}).catch((err: unknown) => {
  const cause = err instanceof Error && err.cause instanceof Error ? `: ${err.cause.message}` : "";
  console.error(`seed-scenario: ${err instanceof Error ? err.message : String(err)}${cause} (API ${process.env.E2E_API_URL})`);
  process.exit(1);
});
console.log(JSON.stringify(product, null, 2));

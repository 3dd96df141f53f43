import { defineConfig } from "vitest/config";

// Unit tests of the bench's pure parts (stats, chart, report, options); the load itself runs with `npm run bench`.
export default defineConfig({
  resolve: { conditions: ["@quickdeal/source"] },
  test: { include: ["src/**/*.test.ts", "test/**/*.test.ts"] },
});

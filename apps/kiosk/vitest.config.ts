import { defineConfig } from "vitest/config";

export default defineConfig({
  resolve: { conditions: ["@quickdeal/source"] },
  test: {
    // The browser tests need the built renderer: they run under test:e2e (vitest.e2e.config.ts).
    include: ["test/*.test.ts", "test/integration/**/*.test.ts"],
    testTimeout: 60_000,
    hookTimeout: 180_000,
    // The integration file starts an API server and a worker: keep the machine's two cores calm.
    fileParallelism: false,
  },
});

import { defineConfig } from "vitest/config";

export default defineConfig({
  resolve: { conditions: ["@quickdeal/source"] },
  test: {
    include: ["src/**/*.test.ts", "test/**/*.test.ts"],
    globalSetup: ["test/global-setup.ts"],
    testTimeout: 60_000,
    hookTimeout: 120_000,
    fileParallelism: false,
  },
});

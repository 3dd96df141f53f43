import { defineConfig } from "vitest/config";

/** The kiosk's screens in Chromium (Debian's, no downloaded browser) against the real API. */
export default defineConfig({
  resolve: { conditions: ["@quickdeal/source"] },
  test: {
    include: ["test/e2e/**/*.test.ts"],
    testTimeout: 120_000,
    hookTimeout: 180_000,
    fileParallelism: false,
  },
});

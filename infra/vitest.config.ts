import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["test/**/*.test.ts"],
    // Brings the services up once (a no-op when `npm test` already did), so each file can rely on them.
    globalSetup: ["test/global-setup.ts"],
    testTimeout: 60_000,
    // A fresh machine resolves the Kafka jars with Maven and starts the broker here.
    hookTimeout: 300_000,
  },
});

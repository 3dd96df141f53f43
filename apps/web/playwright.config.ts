import { randomBytes } from "node:crypto";
import { defineConfig, devices } from "@playwright/test";

// One id per run, inherited by Playwright's worker processes (they re-read this file): the run's
// own Redis key prefix, Kafka topic and consumer group, so parallel runs and colleagues never mix.
process.env.E2E_RUN_ID ??= randomBytes(4).toString("hex");
const run = process.env.E2E_RUN_ID;

const WEB_PORT = Number(process.env.E2E_WEB_PORT ?? 3310);
const API_PORT = Number(process.env.E2E_API_PORT ?? 4310);
const WORKER_PORT = Number(process.env.E2E_WORKER_PORT ?? 4311);
export const WEB_URL = `http://localhost:${WEB_PORT}`;
export const API_URL = `http://localhost:${API_PORT}/api/trpc`;
process.env.E2E_API_URL = API_URL;

const shared = {
  DATABASE_URL: process.env.E2E_DATABASE_URL ?? "mysql://root@127.0.0.1:3306/quickdeal_e2e",
  REDIS_URL: process.env.REDIS_URL ?? "redis://127.0.0.1:6379",
  REDIS_PREFIX: `e2e${run}`,
  KAFKA_BROKERS: process.env.KAFKA_BROKERS ?? "127.0.0.1:9092",
  KAFKA_JOIN_TOPIC: `quickdeal.e2e.${run}`,
  // As in production (decisions §3): products on one partition wait while one of their rooms is full
  // or paused, and with 2 the suite's own products collided (the journey waited behind the admin test's).
  KAFKA_JOIN_PARTITIONS: "8",
  AUTH_SECRET: "e2e-only-secret-0123456789-abcdefghijklmnop",
  LOG_LEVEL: "warn",
};
const env = (extra: Record<string, string>) => ({ ...(process.env as Record<string, string>), ...shared, ...extra });
const root = "../..";

export default defineConfig({
  testDir: "./e2e",
  // One worker: the suite drives real services on a 2-core machine, and several tests share one line.
  workers: 1,
  fullyParallel: false,
  forbidOnly: !!process.env.CI,
  retries: process.env.CI ? 1 : 0,
  // Generous: the machine has 2 cores shared by MySQL, Redis, Kafka, the API, the worker, Next and Chromium.
  timeout: 180_000,
  expect: { timeout: 20_000 },
  reporter: process.env.CI ? [["list"], ["html", { open: "never" }]] : [["list"]],
  outputDir: "test-results",
  use: {
    baseURL: WEB_URL,
    trace: "retain-on-failure",
    screenshot: "only-on-failure",
    ...devices["Desktop Chrome"],
    launchOptions: {
      executablePath: "/usr/bin/chromium",
      args: ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run"],
    },
  },
  projects: [{ name: "chromium" }],
  webServer: [
    {
      // Reset + migrate + seed the e2e database, then the hot-path API (one process is plenty here).
      command: "node apps/web/e2e/prepare.mjs && node packages/api/dist/server.js",
      cwd: root,
      url: `http://localhost:${API_PORT}/healthz`,
      env: env({
        API_PORT: String(API_PORT),
        API_HOST: "127.0.0.1",
        API_WORKERS: "1",
        // Start at once: the suite tests behaviour, not a cold process's speed (warmup.ts).
        API_WARMUP_SHOPPERS: "0",
        WEB_ORIGIN: WEB_URL,
        // Every shopper in the suite comes from 127.0.0.1: per-IP limits would trip.
        RATE_LIMIT_SCALE: "50",
        PAYMENT_SLOW_MS: "500",
      }),
      timeout: 120_000,
      reuseExistingServer: false,
      stdout: "pipe",
      stderr: "pipe",
    },
    {
      command: "node packages/queue/dist/worker.js",
      cwd: root,
      url: `http://127.0.0.1:${WORKER_PORT}/healthz`,
      env: env({ KAFKA_GROUP_ID: `quickdeal-e2e-${run}`, WORKER_METRICS_PORT: String(WORKER_PORT) }),
      timeout: 120_000,
      reuseExistingServer: false,
      stdout: "pipe",
      stderr: "pipe",
    },
    {
      command: `npx next start -p ${WEB_PORT}`,
      url: WEB_URL,
      env: env({ NEXT_PUBLIC_API_URL: API_URL, NEXT_PUBLIC_DEMO_MODE: "true", WEB_ORIGIN: WEB_URL }),
      timeout: 120_000,
      reuseExistingServer: false,
      stdout: "pipe",
      stderr: "pipe",
    },
  ],
});

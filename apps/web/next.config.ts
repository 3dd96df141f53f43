import type { NextConfig } from "next";

const config: NextConfig = {
  // Our packages (and their native-ish deps) load from their built dist with plain Node, not bundled:
  // they keep module-level singletons (Redis, Kafka, MySQL pools) and read .lua/.sql files from disk.
  serverExternalPackages: ["@quickdeal/api", "@quickdeal/queue", "@quickdeal/db", "kafkajs", "ioredis", "mysql2", "pino"],
  // `tsc --noEmit` is its own task (turbo typecheck); paying for it again inside `next build` doubles build time on 2 cores.
  typescript: { ignoreBuildErrors: true },
  poweredByHeader: false,
  reactStrictMode: true,
};

export default config;

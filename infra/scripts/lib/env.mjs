// Loads the project's configuration for the infra scripts: defaults (as in .env.example) < .env < process.env.
import { existsSync, readFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

export const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "../../..");

export const DEFAULTS = {
  DATABASE_URL: "mysql://root@127.0.0.1:3306/quickdeal",
  DATABASE_URL_TEST: "mysql://root@127.0.0.1:3306/quickdeal_test",
  REDIS_URL: "redis://127.0.0.1:6379",
  KAFKA_BROKERS: "127.0.0.1:9092",
  KAFKA_JOIN_TOPIC: "quickdeal.joins",
  KAFKA_JOIN_PARTITIONS: "8",
};

/** Parses KEY=VALUE lines; `#` comments, optional `export `, single or double quotes. */
export function parseDotenv(text) {
  const out = {};
  for (const raw of text.split(/\r?\n/)) {
    const line = raw.trim();
    if (!line || line.startsWith("#")) continue;
    const m = /^(?:export\s+)?([A-Za-z_][A-Za-z0-9_]*)\s*=\s*(.*)$/.exec(line);
    if (!m) continue;
    let value = m[2];
    const quote = value[0];
    if ((quote === '"' || quote === "'") && value.endsWith(quote) && value.length >= 2) {
      value = value.slice(1, -1);
      if (quote === '"') value = value.replace(/\\n/g, "\n");
    } else {
      value = value.replace(/\s+#.*$/, "").trim();
    }
    out[m[1]] = value;
  }
  return out;
}

/** The environment the scripts (and the processes they start) see. */
export function loadEnv(root = ROOT) {
  const file = join(root, ".env");
  const fromFile = existsSync(file) ? parseDotenv(readFileSync(file, "utf8")) : {};
  const env = { ...DEFAULTS, ...fromFile };
  for (const [k, v] of Object.entries(process.env)) if (v !== undefined) env[k] = v;
  return env;
}

export function paths(root = ROOT) {
  const cache = join(root, ".cache");
  return { root, cache, run: join(cache, "run"), logs: join(cache, "logs") };
}

export function isLoopback(host) {
  return host === "localhost" || host === "::1" || host === "[::1]" || /^127\./.test(host);
}

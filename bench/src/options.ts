import { availableParallelism } from "node:os";
import { parseArgs } from "node:util";
import { z } from "zod";

/** Command-line options of `npm run bench -- …` (all bounded: the machine is shared). */
const int = (min: number, max: number) => z.coerce.number().int().min(min).max(max);

/** A list of node or V8 flags, given as one string ("--a --b=1"); nothing else may ride along. */
function nodeFlags() {
  return z
    .string()
    .trim()
    .min(1)
    .max(500)
    .transform((s) => s.split(/\s+/))
    .refine((args) => args.every((a) => /^--[a-z0-9][a-z0-9-_]*(=\S+)?$/i.test(a)), "give flags only, each starting with --")
    .optional();
}

const schema = z.object({
  shoppers: int(10, 2_000_000).default(20_000),
  stock: int(1, 1_000_000).default(2_000),
  capacity: int(1, 100_000).default(200),
  /** Seconds of each fixed-length phase (status polling); the join phases run until every shopper joined. */
  duration: int(1, 600).default(10),
  json: z.string().min(1).optional(),
  /** Keep-alive connections for the request phases, over all load generators. */
  connections: int(1, 4_000).default(100),
  loadgens: int(1, 16).default(2),
  apiWorkers: int(1, 64).default(availableParallelism()),
  workers: int(1, 4).default(1),
  /** SSE watchers: the shoppers at the front of the line watch, up to this many. */
  watchers: int(0, 60_000).default(10_000),
  /** Watchers' SSE streams per HTTP/2 (h2c) connection; 0: HTTP/1.1, one connection each. */
  sseH2: int(0, 10_000).default(0),
  /** Open-loop join phase: this many joins per second … */
  pacedRate: int(0, 100_000).default(5_000),
  /** … for this many seconds, before the closed-loop (as fast as it goes) join phase. */
  pacedSeconds: int(0, 60).default(2),
  /** The fixed-rate phase's latency is also kept per this many ms (1000: per second only). */
  pacedBinMs: int(50, 1_000).default(1_000),
  baselineDuration: int(1, 120).default(5),
  thinkMs: int(0, 60_000).default(250),
  pollMs: int(100, 60_000).default(1_000),
  /** Longest pause between two polls of a shopper far back in line. */
  pollMaxMs: int(100, 300_000).default(10_000),
  ttl: int(30, 3_600).default(120),
  saleTimeout: int(5, 3_600).default(120),
  profile: z.boolean().default(false),
  /** perf record around each phase, filed by owner for the API and queue workers (needs perf). */
  perf: z.boolean().default(false),
  million: z.boolean().default(false),
  millionCount: int(1_000, 5_000_000).default(1_000_000),
  keep: z.boolean().default(false),
  /** API_YOUNG_GEN_MB for the API processes (unset: the API's default), to compare GC settings. */
  apiYoungGenMb: int(0, 1_024).optional(),
  /** API_INTERRUPT_BUDGET for the API processes (unset: the API's default; 0 is V8's). */
  apiInterruptBudget: int(0, 10_000_000).optional(),
  /** API_ACCEPT for the API processes (unset: the API's default). */
  apiAccept: z.enum(["primary", "workers"]).optional(),
  /** API_MEMORY_REDUCER for the API processes (unset: the API's default). */
  apiMemoryReducer: z.enum(["on", "off"]).optional(),
  /** KAFKA_JOIN_LINGER_MS for the API processes (unset: the API's default). */
  joinLingerMs: int(0, 1_000).optional(),
  /** KAFKA_JOIN_FULL_BATCH for the API processes (unset: the API's default). */
  joinFullBatch: int(1, 2_000).optional(),
  /** WATCH_MAX_STRETCH for the API processes (unset: the API's default; 1 never stretches). */
  watchMaxStretch: int(1, 16).optional(),
  /** API_WARMUP_SHOPPERS for the API processes (unset: the API's default). */
  apiWarmup: int(0, 100_000).optional(),
  apiWarmupCopies: int(1, 8).optional(),
  /** API_WARMUP_SECONDS for the API processes (unset: the API's default). */
  apiWarmupSeconds: int(1, 300).optional(),
  /** Seconds the API, once up, waits idle before the crowd arrives (processes started ahead of a sale). */
  idleBefore: int(0, 3_600).default(0),
  /** Extra node or V8 flags for the API processes (their workers inherit them), e.g. `--trace-gc`. */
  apiNodeArgs: nodeFlags(),
  /** Extra node or V8 flags for the load generators, e.g. `--trace-opt`. */
  loadgenNodeArgs: nodeFlags(),
});

export type BenchOptions = z.infer<typeof schema>;

const NUMERIC = [
  "shoppers",
  "stock",
  "capacity",
  "duration",
  "connections",
  "loadgens",
  "api-workers",
  "workers",
  "watchers",
  "sse-h2",
  "paced-rate",
  "paced-seconds",
  "paced-bin-ms",
  "baseline-duration",
  "think-ms",
  "poll-ms",
  "poll-max-ms",
  "ttl",
  "sale-timeout",
  "million-count",
  "api-young-gen-mb",
  "api-interrupt-budget",
  "join-linger-ms",
  "join-full-batch",
  "watch-max-stretch",
  "api-warmup",
  "api-warmup-copies",
  "api-warmup-seconds",
  "idle-before",
] as const;

export const USAGE = `usage: npm run bench -- [options]
  --shoppers N         shoppers who sign in and join (default 20000)
  --stock N            units of the one hot product (default 2000)
  --capacity N         shoppers in checkout at once (default 200)
  --duration S         seconds of the status-polling phase (default 10)
  --json FILE          also write the JSON result here
  --connections N      keep-alive connections, all load generators together (default 100)
  --loadgens N         load-generator processes (default 2)
  --api-workers N      API processes (default: one per core)
  --workers N          admission worker processes (default 1)
  --watchers N         SSE watchers at the front of the line (default 10000)
  --sse-h2 N           watchers share HTTP/2 (h2c) connections, N streams each (default 0: HTTP/1.1,
                       a connection per watcher)
  --paced-rate N       joins/s of the open-loop join phase (default 5000; 0 skips it)
  --paced-seconds S    length of the open-loop join phase (default 2)
  --paced-bin-ms MS    also keep that phase's latency per MS (50-1000; default 1000: per second only)
  --baseline-duration S  seconds of each bare node:http measurement (default 5)
  --think-ms MS        think time between admission and checkout (default 250)
  --poll-ms MS         status poll interval of shoppers who do not watch (default 1000)
  --poll-max-ms MS     far back in line they poll at half their ETA, at most this far apart (default 10000)
  --ttl S              checkout hold time of the product (default 120)
  --sale-timeout S     give up on selling out after this long (default 120)
  --profile            CPU profiles of the API and worker per phase (through the inspector; slows them)
  --perf               perf record -a -g around each phase with the API running; afterwards who asked for
                       the API workers' and the queue worker's CPU (perf-owners), by phase, in the report
                       and profiles/<run>/ (needs Linux perf and root; slows the run a little)
  --million            instead: queue shoppers for one product straight in Redis and report memory
  --million-count N    how many (default 1000000)
  --keep               keep the run's Redis keys and Kafka topic
  --api-young-gen-mb N API_YOUNG_GEN_MB of the API processes (default: the API's own; 0 is V8's)
  --api-interrupt-budget N  API_INTERRUPT_BUDGET of the API processes: how soon V8 optimises
                       (default: the API's own; 0 is V8's)
  --api-accept WHO     API_ACCEPT of the API processes: primary or workers (default: the API's own)
  --api-memory-reducer on|off  API_MEMORY_REDUCER of the API processes: V8 shrinking an idle
                       worker's heap (default: the API's own)
  --join-linger-ms N   KAFKA_JOIN_LINGER_MS of the API processes (default: the API's own)
  --join-full-batch N  KAFKA_JOIN_FULL_BATCH of the API processes (default: the API's own)
  --watch-max-stretch N  WATCH_MAX_STRETCH of the API processes: how far watchers' update
                       intervals stretch while a process is saturated (default: the API's own; 1: never)
  --api-warmup N       API_WARMUP_SHOPPERS of the API processes (default: the API's own; 0: none)
  --api-warmup-copies N  API_WARMUP_COPIES of the API processes: scratch copies of the app the
                       warm-up is shared among (default: the API's own)
  --api-warmup-seconds S  API_WARMUP_SECONDS of the API processes: the warm-up's time limit
                       (default: the API's own)
  --idle-before S      once the API is up, wait S seconds before the crowd arrives, as when the
                       processes start ahead of a sale (default 0)
  --api-node-args="…"  extra node/V8 flags for the API processes, e.g. --api-node-args=--trace-gc
                       (their output goes to the run's api.log)
  --loadgen-node-args="…"  the same for the load generators (output in the run's loadgen.log)`;

export function parseOptions(argv: string[]): BenchOptions {
  const values = readArgs(argv);
  if (values.help) throw new UsageError(USAGE);
  const camel = Object.fromEntries(
    Object.entries(values)
      .filter(([k, v]) => k !== "help" && v !== undefined)
      .map(([k, v]) => [k.replace(/-([a-z])/g, (_, c: string) => c.toUpperCase()), v]),
  );
  const parsed = schema.safeParse(camel);
  if (!parsed.success) {
    throw new UsageError(`${parsed.error.issues.map((i) => `--${i.path.join(".")}: ${i.message}`).join("\n")}\n\n${USAGE}`);
  }
  return parsed.data;
}

export class UsageError extends Error {}

/** node's parser, its refusals (an unknown option, a stray argument, a missing value) as usage errors. */
function readArgs(argv: string[]) {
  try {
    return parseArgs({
      args: argv,
      options: {
        ...Object.fromEntries(NUMERIC.map((k) => [k, { type: "string" as const }])),
        json: { type: "string" },
        "api-accept": { type: "string" },
        "api-memory-reducer": { type: "string" },
        "api-node-args": { type: "string" },
        "loadgen-node-args": { type: "string" },
        profile: { type: "boolean" },
        perf: { type: "boolean" },
        million: { type: "boolean" },
        keep: { type: "boolean" },
        help: { type: "boolean", short: "h" },
      },
      strict: true,
      allowPositionals: false,
    }).values;
  } catch (err) {
    throw new UsageError(`${err instanceof Error ? err.message : String(err)}\n\n${USAGE}`);
  }
}

/**
 * Flags of the micro benchmarks: what node's parser or a number check refuses ends the run with one
 * line and the usage (exit code 2), not a stack trace, and never with NaN seconds or watchers.
 */
import { UsageError } from "../options.js";

/** A flag's whole number, at least `min`; `fallback` when the flag is absent. */
export function wholeNumber(name: string, value: string | undefined, fallback: number, min = 1): number {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (value.trim() === "" || !Number.isSafeInteger(n) || n < min) {
    throw new UsageError(`--${name} takes a whole number of at least ${min}, not "${value}"`);
  }
  return n;
}

/** Runs a micro benchmark's main; a UsageError (node's parser's refusals included) prints the usage and exits 2. */
export async function runMicro(usage: string, main: () => Promise<void>): Promise<void> {
  try {
    await main();
  } catch (err) {
    const refused = err instanceof UsageError || (err as { code?: unknown }).code?.toString().startsWith("ERR_PARSE_ARGS");
    if (!refused) throw err;
    process.stderr.write(`${(err as Error).message}\nusage: ${usage}\n`);
    process.exit(2);
  }
}

import { execFileSync } from "node:child_process";

/**
 * The V8 flags a Node binary knows, so the workers are not forked with one it would refuse.
 *
 * Why: Node exits at start ("bad option", code 9) on a V8 flag its V8 does not have, and V8
 * renames and drops flags between versions (Node 24's has no `--interrupt-budget`, Node 20's
 * has). A worker that cannot start is forked again and again by the primary's back-off while
 * the API never listens; tuning flags are worth less than that.
 */

/** The flag names `node --v8-options` lists ("  --name (description)"), `_` written as `-`. */
export function v8FlagNames(v8Options: string): Set<string> {
  const names = new Set<string>();
  for (const m of v8Options.matchAll(/^ {2}--([a-z0-9_-]+)/gim)) names.add(normalise(m[1] ?? ""));
  return names;
}

/**
 * Splits `flags` into those that may be passed (Node's own options, V8 flags in `names`, their
 * `--no-` forms) and those this binary would refuse.
 */
export function splitV8Flags(
  flags: readonly string[],
  names: ReadonlySet<string>,
  nodeFlags: ReadonlySet<string> = process.allowedNodeEnvironmentFlags,
): { known: string[]; unknown: string[] } {
  const known: string[] = [];
  const unknown: string[] = [];
  for (const flag of flags) {
    const name = flag.split("=", 1)[0] ?? flag;
    const bare = normalise(name.replace(/^--?/, ""));
    const ok = nodeFlags.has(name) || names.has(bare) || (bare.startsWith("no-") && names.has(bare.slice(3)));
    (ok ? known : unknown).push(flag);
  }
  return { known, unknown };
}

/**
 * `flags` without the ones this Node's V8 does not know, each dropped one logged. When the list
 * cannot be read (the binary does not answer in time), the flags are kept as given.
 */
export function keepKnownV8Flags(flags: readonly string[], log: (message: string) => void, execPath = process.execPath): string[] {
  if (flags.length === 0) return [];
  let listing: string;
  try {
    listing = execFileSync(execPath, ["--v8-options"], { encoding: "utf8", timeout: 10_000, stdio: ["ignore", "pipe", "ignore"] });
  } catch (err) {
    log(`could not list this Node's V8 flags (${(err as Error).message}); passing ${flags.join(" ")} as given`);
    return [...flags];
  }
  const { known, unknown } = splitV8Flags(flags, v8FlagNames(listing));
  if (unknown.length > 0) {
    log(`this Node (${process.version}) does not know ${unknown.join(" ")}: the workers start without it`);
  }
  return known;
}

function normalise(name: string): string {
  return name.toLowerCase().replaceAll("_", "-");
}

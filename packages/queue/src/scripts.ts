import { readFileSync, readdirSync } from "node:fs";
import type { Redis } from "ioredis";

/**
 * Loads every `lua/<name>-<keys>.lua` once and registers it with ioredis (EVALSHA with an EVAL
 * fallback). The key count comes from the file name, as in BullMQ; `n` instead of a number means
 * the caller passes it (a script whose keys vary with its batch, such as join-n.lua).
 */
const LUA_DIR = new URL("./lua/", import.meta.url);

export interface ScriptFile {
  name: string;
  /** null: as many as the caller gives. */
  numberOfKeys: number | null;
  lua: string;
}

let cache: ScriptFile[] | undefined;

export function loadScripts(): ScriptFile[] {
  cache ??= readScripts(LUA_DIR);
  return cache;
}

/**
 * Reads the scripts of a folder (a URL ending in `/`). Two files giving one name (`join-4.lua` left
 * behind next to `join-n.lua` in a build) are an error: either would silently win.
 */
export function readScripts(dir: URL): ScriptFile[] {
  const byName = new Map<string, string>();
  return readdirSync(dir)
    .filter((f) => f.endsWith(".lua"))
    .sort()
    .map((file) => {
      const match = /^(.+)-(\d+|n)\.lua$/.exec(file);
      if (!match?.[1] || !match[2]) throw new Error(`Lua file ${file} must be named <name>-<keys>.lua (<keys>: a number or n)`);
      const name = match[1];
      const other = byName.get(name);
      if (other !== undefined) {
        throw new Error(`Lua files ${other} and ${file} both define script "${name}" in ${dir.pathname}; remove the stale one`);
      }
      byName.set(name, file);
      const numberOfKeys = match[2] === "n" ? null : Number(match[2]);
      return { name, numberOfKeys, lua: readFileSync(new URL(file, dir), "utf8") };
    });
}

export type ScriptName =
  | "init-room"
  | "join"
  | "cancel"
  | "admit"
  | "expire"
  | "begin"
  | "complete"
  | "abandon"
  | "leave"
  | "heartbeat"
  | "restock"
  | "reconcile";

type ScriptFn = (...args: (string | number)[]) => Promise<unknown>;

const defined = new WeakSet<Redis>();

/** Registers the scripts on a connection (once) and returns a caller by script name. */
export function scriptRunner(redis: Redis): (name: ScriptName, keys: string[], args: (string | number)[]) => Promise<unknown> {
  if (!defined.has(redis)) {
    for (const s of loadScripts()) {
      // Without numberOfKeys ioredis takes the key count as the first argument.
      redis.defineCommand(commandName(s.name), s.numberOfKeys === null ? { lua: s.lua } : { numberOfKeys: s.numberOfKeys, lua: s.lua });
    }
    defined.add(redis);
  }
  const commands = redis as unknown as Record<string, ScriptFn>;
  const variadic = new Set(loadScripts().flatMap((s) => (s.numberOfKeys === null ? [s.name] : [])));
  return (name, keys, args) => {
    const fn = commands[commandName(name)];
    if (!fn) throw new Error(`Unknown Lua script ${name}`);
    return variadic.has(name) ? fn.call(redis, keys.length, ...keys, ...args) : fn.call(redis, ...keys, ...args);
  };
}

function commandName(name: string): string {
  return `qd_${name.replaceAll("-", "_")}`;
}

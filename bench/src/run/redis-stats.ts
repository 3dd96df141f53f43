import type { Redis } from "ioredis";

/** `INFO <section>` as a map. */
export async function info(redis: Redis, section: string): Promise<Record<string, string>> {
  const text = await redis.info(section);
  const out: Record<string, string> = {};
  for (const line of text.split("\r\n")) {
    const i = line.indexOf(":");
    if (i > 0 && !line.startsWith("#")) out[line.slice(0, i)] = line.slice(i + 1);
  }
  return out;
}

export async function usedMemory(redis: Redis): Promise<number> {
  return Number((await info(redis, "memory")).used_memory ?? 0);
}

export interface CommandStat {
  calls: number;
  usec: number;
}

/** INFO commandstats: calls and CPU time per command (cumulative since the server started). */
export async function commandStats(redis: Redis): Promise<Record<string, CommandStat>> {
  const raw = await info(redis, "commandstats");
  const out: Record<string, CommandStat> = {};
  for (const [k, v] of Object.entries(raw)) {
    if (!k.startsWith("cmdstat_")) continue;
    const calls = Number(/calls=(\d+)/.exec(v)?.[1] ?? 0);
    const usec = Number(/usec=(\d+)/.exec(v)?.[1] ?? 0);
    out[k.slice("cmdstat_".length)] = { calls, usec };
  }
  return out;
}

/** What happened between two readings, busiest first (Redis is shared: colleagues' commands count too). */
export function diffStats(before: Record<string, CommandStat>, after: Record<string, CommandStat>, top = 12): (CommandStat & { command: string; usecPerCall: number })[] {
  return Object.entries(after)
    .map(([command, a]) => {
      const b = before[command] ?? { calls: 0, usec: 0 };
      const calls = a.calls - b.calls;
      const usec = a.usec - b.usec;
      return { command, calls, usec, usecPerCall: calls > 0 ? Math.round((usec / calls) * 100) / 100 : 0 };
    })
    .filter((x) => x.calls > 0)
    .sort((x, y) => y.usec - x.usec)
    .slice(0, top);
}

async function* scanKeys(redis: Redis, pattern: string): AsyncGenerator<string[]> {
  let cursor = "0";
  do {
    const [next, keys] = await redis.scan(cursor, "MATCH", pattern, "COUNT", 2000);
    cursor = next;
    if (keys.length) yield keys;
  } while (cursor !== "0");
}

/** Bytes of every key under a prefix (MEMORY USAGE, all samples), grouped by the key's last part. */
export async function prefixMemory(redis: Redis, prefix: string): Promise<{ total: number; keys: number; byKind: Record<string, number> }> {
  let total = 0;
  let keys = 0;
  const byKind: Record<string, number> = {};
  for await (const batch of scanKeys(redis, `${prefix}:*`)) {
    const sizes = await Promise.all(batch.map((k) => redis.call("MEMORY", "USAGE", k, "SAMPLES", "0") as Promise<number | null>));
    batch.forEach((k, i) => {
      const bytes = Number(sizes[i] ?? 0);
      // "bench…:{p:7}:t" → "t", "bench…:rl:joinPerUser:<id>" → "rl:joinPerUser"
      const kind = k.includes(":rl:") ? k.slice(k.indexOf(":rl:") + 1).split(":").slice(0, 2).join(":") : (k.split(":").at(-1) ?? k);
      byKind[kind] = (byKind[kind] ?? 0) + bytes;
      total += bytes;
      keys++;
    });
  }
  return { total, keys, byKind };
}

export async function deletePrefix(redis: Redis, prefix: string): Promise<number> {
  let n = 0;
  for await (const batch of scanKeys(redis, `${prefix}:*`)) {
    n += await redis.unlink(...batch);
  }
  return n;
}

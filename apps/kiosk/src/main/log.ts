import { appendFileSync, mkdirSync, renameSync, statSync } from "node:fs";
import { join } from "node:path";

export type Log = (msg: string, extra?: Record<string, unknown>) => void;

const MAX_BYTES = 5 * 1024 * 1024;

/**
 * One JSON line per event to `<dir>/kiosk.log` (rotated once at 5 MiB) and to stderr, so a
 * store technician can read what happened on a device. Never log card data or tokens.
 */
export function createFileLog(dir: string): Log {
  mkdirSync(dir, { recursive: true });
  const file = join(dir, "kiosk.log");
  return (msg, extra) => {
    const line = `${JSON.stringify({ t: new Date().toISOString(), msg, ...extra })}\n`;
    process.stderr.write(line);
    try {
      if ((statSync(file, { throwIfNoEntry: false })?.size ?? 0) > MAX_BYTES) renameSync(file, `${file}.1`);
      appendFileSync(file, line);
    } catch {
      // A full or read-only disk must not take the kiosk down.
    }
  };
}

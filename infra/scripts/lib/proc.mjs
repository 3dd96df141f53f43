// Process helpers shared by the service scripts: pid files, detached starts, waits, a cross-process lock.
import { spawn, spawnSync } from "node:child_process";
import { closeSync, existsSync, mkdirSync, openSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createConnection } from "node:net";
import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";

export { sleep };

/** Absolute path of a command on PATH (plus sbin dirs, where Debian puts mariadbd), or null. */
export function which(cmd) {
  const extra = ["/usr/sbin", "/usr/local/sbin", "/sbin"];
  const path = [...(process.env.PATH ?? "").split(":"), ...extra].filter(Boolean);
  for (const dir of path) {
    const p = join(dir, cmd);
    if (existsSync(p)) return p;
  }
  return null;
}

export function isAlive(pid) {
  if (!pid || pid <= 0) return false;
  try {
    process.kill(pid, 0);
  } catch (err) {
    return err.code === "EPERM";
  }
  // A zombie still answers kill(0); treat it as gone.
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    return !/^\d+ \(.*\) Z /.test(stat);
  } catch {
    return true;
  }
}

function cmdline(pid) {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, "utf8").replace(/\0/g, " ");
  } catch {
    return "";
  }
}

/** The pid in a pid file if that process is alive and (when given) its command line matches. */
export function readPid(file, match) {
  if (!existsSync(file)) return null;
  const pid = Number.parseInt(readFileSync(file, "utf8").trim(), 10);
  if (!Number.isInteger(pid) || !isAlive(pid)) return null;
  // Guards against a recycled pid: only ever signal the process we started.
  if (match && !match.test(cmdline(pid))) return null;
  return pid;
}

/** Starts a long-running process in its own session, output appended to logFile; returns its pid. */
export function spawnDetached(cmd, args, { logFile, cwd, env, pidFile }) {
  const fd = openSync(logFile, "a");
  const child = spawn(cmd, args, { cwd, env, detached: true, stdio: ["ignore", fd, fd] });
  closeSync(fd);
  child.unref();
  if (pidFile) writeFileSync(pidFile, `${child.pid}\n`);
  return child.pid;
}

export function run(cmd, args, opts = {}) {
  return spawnSync(cmd, args, { encoding: "utf8", maxBuffer: 64 * 1024 * 1024, ...opts });
}

/** Sends SIGTERM, waits up to timeoutMs, then SIGKILL. Resolves true when the process is gone. */
export async function stopPid(pid, timeoutMs = 30_000) {
  try {
    process.kill(pid, "SIGTERM");
  } catch {
    return true;
  }
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (!isAlive(pid)) return true;
    await sleep(200);
  }
  try {
    process.kill(pid, "SIGKILL");
  } catch {}
  await sleep(300);
  return !isAlive(pid);
}

/** Polls fn until it returns a truthy value; throws the last error (or a timeout) after timeoutMs. */
export async function waitFor(what, fn, { timeoutMs = 60_000, intervalMs = 500, abort } = {}) {
  const deadline = Date.now() + timeoutMs;
  let last;
  while (Date.now() < deadline) {
    try {
      const v = await fn();
      if (v) return v;
    } catch (err) {
      last = err;
    }
    const reason = abort?.();
    if (reason) throw new Error(`${what}: ${reason}`);
    await sleep(intervalMs);
  }
  throw new Error(`${what}: not ready after ${Math.round(timeoutMs / 1000)} s${last ? ` (${last.message})` : ""}`);
}

/** True when something accepts TCP connections on host:port. */
export function portOpen(host, port, timeoutMs = 1000) {
  return new Promise((resolve) => {
    const sock = createConnection({ host, port });
    const done = (ok) => {
      sock.destroy();
      resolve(ok);
    };
    sock.setTimeout(timeoutMs, () => done(false));
    sock.once("connect", () => done(true));
    sock.once("error", () => done(false));
  });
}

/** A lock between concurrent `services` runs (a directory holding the owner's pid). */
export async function withLock(dir, fn, { timeoutMs = 300_000, onWait } = {}) {
  const deadline = Date.now() + timeoutMs;
  let told = false;
  for (;;) {
    try {
      mkdirSync(dir);
      writeFileSync(join(dir, "pid"), `${process.pid}\n`);
      break;
    } catch (err) {
      if (err.code !== "EEXIST") throw err;
      let owner = 0;
      try {
        owner = Number.parseInt(readFileSync(join(dir, "pid"), "utf8"), 10);
      } catch {}
      if (owner && !isAlive(owner)) {
        rmSync(dir, { recursive: true, force: true });
        continue;
      }
      if (Date.now() > deadline) throw new Error(`another services run (pid ${owner}) holds ${dir}`);
      if (!told) {
        onWait?.(owner);
        told = true;
      }
      await sleep(250);
    }
  }
  try {
    return await fn();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Last lines of a log file, for error messages. */
export function tail(file, lines = 20) {
  if (!existsSync(file)) return "";
  return readFileSync(file, "utf8").split("\n").slice(-lines - 1).join("\n");
}

/** A missing prerequisite: one line saying what to install. */
export class Missing extends Error {}

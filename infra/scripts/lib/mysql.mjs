// MySQL/MariaDB: reuse the server DATABASE_URL points at, else start the system mariadbd/mysqld on a
// data folder under .cache/mysql; then make sure the app and test databases exist.
import { existsSync, mkdirSync, rmSync } from "node:fs";
import { join } from "node:path";
import mysql from "mysql2/promise";
import { isLoopback } from "./env.mjs";
import { Missing, readPid, run, spawnDetached, stopPid, tail, waitFor, which } from "./proc.mjs";

const PID_MATCH = /mariadbd|mysqld/;

function target(env) {
  const u = new URL(env.DATABASE_URL);
  return {
    host: u.hostname.replace(/^\[|\]$/g, ""),
    port: Number(u.port || 3306),
    user: decodeURIComponent(u.username || "root"),
    password: decodeURIComponent(u.password),
    label: `${u.hostname}:${u.port || 3306}`,
  };
}

function dbName(url) {
  return decodeURIComponent(new URL(url).pathname.replace(/^\//, "")) || null;
}

/** "up" | "down" | "refused" (the server answers but rejects the login). */
async function probe(env) {
  const t = target(env);
  let conn;
  try {
    conn = await mysql.createConnection({ host: t.host, port: t.port, user: t.user, password: t.password, connectTimeout: 2000 });
    await conn.query("SELECT 1");
    return { state: "up" };
  } catch (err) {
    if (err.code === "ER_ACCESS_DENIED_ERROR" || err.errno === 1045 || err.errno === 1698) {
      return { state: "refused", message: err.message };
    }
    return { state: "down", message: err.message };
  } finally {
    await conn?.end().catch(() => {});
  }
}

function layout(ctx) {
  const dir = join(ctx.cache, "mysql");
  return {
    dir,
    data: join(dir, "data"),
    socket: join(ctx.run, "mysqld.sock"),
    pidFile: join(ctx.run, "mysql.pid"),
    logFile: join(ctx.logs, "mysql.log"),
  };
}

async function createDatabases(ctx) {
  const t = target(ctx.env);
  const names = [dbName(ctx.env.DATABASE_URL), dbName(ctx.env.DATABASE_URL_TEST ?? "")].filter(Boolean);
  const conn = await mysql.createConnection({ host: t.host, port: t.port, user: t.user, password: t.password });
  try {
    for (const name of [...new Set(names)]) {
      const [rows] = await conn.query("SELECT SCHEMA_NAME FROM information_schema.SCHEMATA WHERE SCHEMA_NAME = ?", [name]);
      if (rows.length) {
        ctx.log(`database ${name} exists`);
      } else {
        await conn.query(`CREATE DATABASE IF NOT EXISTS \`${name.replace(/`/g, "``")}\` CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci`);
        ctx.log(`created database ${name}`);
      }
    }
  } finally {
    await conn.end();
  }
}

function refused(t, message) {
  return new Error(
    `mysql: the server on ${t.label} refused the login for '${t.user}' (${message}). ` +
      "Set DATABASE_URL (and DATABASE_URL_TEST) in .env to a user that may log in over TCP, e.g. mysql://user:password@127.0.0.1:3306/quickdeal",
  );
}

async function startServer(ctx, t) {
  const m = layout(ctx);
  const bin = which("mariadbd") ?? which("mysqld");
  if (!bin) throw new Missing("mariadbd/mysqld not found: apt-get install mariadb-server");
  const isMaria = /mariadb/i.test(run(bin, ["--version"]).stdout ?? "");
  mkdirSync(m.dir, { recursive: true });
  if (!existsSync(join(m.data, "mysql"))) {
    ctx.log("initialising a data folder in .cache/mysql/data");
    let r;
    if (isMaria) {
      const installDb = which("mariadb-install-db") ?? which("mysql_install_db");
      if (!installDb) throw new Missing("mariadb-install-db not found: apt-get install mariadb-server");
      r = run(installDb, [
        "--no-defaults",
        `--datadir=${m.data}`,
        "--user=root",
        "--auth-root-authentication-method=normal",
        "--skip-test-db",
      ]);
    } else {
      r = run(bin, ["--no-defaults", "--initialize-insecure", `--datadir=${m.data}`, "--user=root"]);
    }
    if (r.status !== 0) throw new Error(`mysql: initialising the data folder failed:\n${r.stdout}${r.stderr}`);
  }
  ctx.log(`starting ${isMaria ? "mariadbd" : "mysqld"} on ${t.label} (log: .cache/logs/mysql.log)`);
  spawnDetached(
    bin,
    [
      "--no-defaults",
      `--datadir=${m.data}`,
      `--port=${t.port}`,
      `--bind-address=${t.host}`,
      `--socket=${m.socket}`,
      `--pid-file=${join(m.dir, "mysqld.pid")}`,
      `--log-error=${m.logFile}`,
      "--user=root",
      "--character-set-server=utf8mb4",
      "--collation-server=utf8mb4_unicode_ci",
      "--innodb-buffer-pool-size=256M",
      "--max-connections=500",
    ],
    { logFile: m.logFile, cwd: m.dir, env: process.env, pidFile: m.pidFile },
  );
  ctx.started();
  await waitFor("mysql", async () => (await probe(ctx.env)).state !== "down", {
    timeoutMs: 60_000,
    intervalMs: 500,
    abort: () => (readPid(m.pidFile, PID_MATCH) ? null : `the server exited:\n${tail(m.logFile)}`),
  });
  // A fresh data folder only has root@localhost; TCP logins as root from 127.0.0.1 need root@127.0.0.1 too.
  if ((await probe(ctx.env)).state === "refused" && t.user === "root" && !t.password) {
    const client = which("mariadb") ?? which("mysql");
    if (client) {
      run(client, ["--no-defaults", `--socket=${m.socket}`, "-uroot", "-e",
        "CREATE USER IF NOT EXISTS 'root'@'127.0.0.1' IDENTIFIED BY ''; GRANT ALL ON *.* TO 'root'@'127.0.0.1' WITH GRANT OPTION; " +
        "CREATE USER IF NOT EXISTS 'root'@'::1' IDENTIFIED BY ''; GRANT ALL ON *.* TO 'root'@'::1' WITH GRANT OPTION;"]);
    }
  }
}

export async function up(ctx) {
  const t = target(ctx.env);
  const p = await probe(ctx.env);
  if (p.state === "refused") throw refused(t, p.message);
  if (p.state === "up") {
    ctx.log(`already answering on ${t.label}, reusing`);
    ctx.noop();
  } else {
    if (!isLoopback(t.host)) throw new Error(`mysql: ${t.label} does not answer (${p.message}) and is not on this machine`);
    const m = layout(ctx);
    if (readPid(m.pidFile, PID_MATCH)) {
      ctx.log("server started earlier is still starting, waiting");
      await waitFor("mysql", async () => (await probe(ctx.env)).state !== "down", { timeoutMs: 60_000 });
    } else {
      await startServer(ctx, t);
    }
    const again = await probe(ctx.env);
    if (again.state === "refused") throw refused(t, again.message);
    ctx.log("ready");
  }
  await createDatabases(ctx);
}

export async function down(ctx) {
  const m = layout(ctx);
  const pid = readPid(m.pidFile, PID_MATCH);
  if (!pid) {
    ctx.log("not started by these scripts, leaving it alone");
    return;
  }
  ctx.log(`stopping server (pid ${pid})`);
  await stopPid(pid, 60_000);
  rmSync(m.pidFile, { force: true });
  ctx.log("stopped");
}

export async function status(ctx) {
  const t = target(ctx.env);
  const pid = readPid(layout(ctx).pidFile, PID_MATCH);
  const p = await probe(ctx.env);
  const who = pid ? `started by these scripts (pid ${pid})` : "not started by these scripts";
  ctx.log(`${p.state === "up" ? "up" : p.state === "refused" ? "up but the login is refused" : "down"} on ${t.label}, ${who}`);
  return p.state === "up";
}

import { type ChildProcess, spawn, spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { Kafka, logLevel } from "kafkajs";

/**
 * A throw-away single-node KRaft broker on its own ports and data folder, run from the jars that
 * `npm run services:up` resolved — so a test can kill and restart "the" broker without disturbing
 * the shared one.
 */
const LIBS = resolve(fileURLToPath(new URL("../../../.cache/kafka/libs", import.meta.url)));
const POM = resolve(fileURLToPath(new URL("../../../infra/kafka/pom.xml", import.meta.url)));

/** When the shared broker was reused from elsewhere, this checkout has no jars yet: resolve them as services:up does. */
function ensureLibs() {
  const marker = join(LIBS, ".resolved");
  const hash = createHash("sha256").update(readFileSync(POM)).digest("hex").slice(0, 16);
  if (existsSync(marker) && readFileSync(marker, "utf8").trim() === hash) return;
  const r = spawnSync("mvn", ["-q", "-B", "-f", POM, "dependency:copy-dependencies", "-DincludeScope=runtime", `-DoutputDirectory=${LIBS}`], {
    encoding: "utf8",
  });
  if (r.status !== 0) throw new Error(`could not resolve the Kafka jars with Maven: ${r.stdout}${r.stderr}`);
  writeFileSync(marker, `${hash}\n`);
}

export async function privateBroker(port = 19092) {
  ensureLibs();
  const dir = mkdtempSync(join(tmpdir(), "qd-kafka-"));
  const props = join(dir, "server.properties");
  writeFileSync(
    props,
    [
      "process.roles=broker,controller",
      "node.id=1",
      `controller.quorum.voters=1@127.0.0.1:${port + 1}`,
      `listeners=PLAINTEXT://127.0.0.1:${port},CONTROLLER://127.0.0.1:${port + 1}`,
      `advertised.listeners=PLAINTEXT://127.0.0.1:${port}`,
      "controller.listener.names=CONTROLLER",
      "listener.security.protocol.map=CONTROLLER:PLAINTEXT,PLAINTEXT:PLAINTEXT",
      `log.dirs=${join(dir, "data")}`,
      "offsets.topic.replication.factor=1",
      "offsets.topic.num.partitions=4",
      "transaction.state.log.replication.factor=1",
      "transaction.state.log.min.isr=1",
      "group.initial.rebalance.delay.ms=0",
      "",
    ].join("\n"),
  );
  const cp = join(LIBS, "*");
  const id = spawnSync("java", ["-cp", cp, "kafka.tools.StorageTool", "random-uuid"], { encoding: "utf8" }).stdout.trim().split("\n").pop() ?? "";
  const fmt = spawnSync("java", ["-cp", cp, "kafka.tools.StorageTool", "format", "-t", id, "-c", props], { encoding: "utf8" });
  if (fmt.status !== 0) throw new Error(`format failed: ${fmt.stderr}`);
  const brokers = [`127.0.0.1:${port}`];
  let proc: ChildProcess | null = null;

  async function waitReady() {
    const kafka = new Kafka({ brokers, logLevel: logLevel.NOTHING, retry: { retries: 0 }, connectionTimeout: 1000 });
    const end = Date.now() + 90_000;
    for (;;) {
      const admin = kafka.admin();
      try {
        await admin.connect();
        await admin.listTopics();
        return;
      } catch (err) {
        if (Date.now() > end) throw err;
        await new Promise((r) => setTimeout(r, 300));
      } finally {
        await admin.disconnect().catch(() => undefined);
      }
    }
  }

  return {
    brokers,
    async start() {
      proc = spawn("java", ["-Xmx384m", "-cp", cp, "kafka.Kafka", props], { stdio: "ignore" });
      await waitReady();
    },
    /** SIGKILL: the broker dies mid-request, as in a machine loss. */
    async kill() {
      if (!proc) return;
      const p = proc;
      proc = null;
      await new Promise<void>((r) => {
        p.once("exit", () => r());
        p.kill("SIGKILL");
      });
    },
    async destroy() {
      await this.kill();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

import { describe, expect, it } from "vitest";
import { jvmOptions, serverProperties } from "../scripts/lib/kafka.mjs";

describe("the broker's JVM options", () => {
  it("default to a bounded heap, the serial collector and the C1 compiler only", () => {
    const opts = jvmOptions({});
    expect(opts).toContain("-Xmx512m");
    expect(opts).toContain("-XX:+UseSerialGC");
    expect(opts).not.toContain("-XX:+UseG1GC");
    expect(opts).toContain("-XX:TieredStopAtLevel=1");
  });

  it("are overridden per variable, as Kafka's start scripts take them", () => {
    const opts = jvmOptions({
      KAFKA_HEAP_OPTS: "-Xmx1g",
      KAFKA_JVM_PERFORMANCE_OPTS: " -XX:+UseG1GC ",
      KAFKA_OPTS: "-Dfoo=1  -Dbar=2",
    });
    expect(opts).toEqual(["-Xmx1g", "-XX:+UseG1GC", "-Dfoo=1", "-Dbar=2"]);
  });
});

describe("the broker's server.properties", () => {
  const env = { KAFKA_BROKERS: "127.0.0.1:9092" };
  const prop = (text: string, key: string) =>
    text
      .split("\n")
      .find((l) => l.startsWith(`${key}=`))
      ?.slice(key.length + 1);

  it("run one network thread and one I/O thread unless told otherwise", () => {
    const text = serverProperties(env, "/data");
    expect(prop(text, "num.network.threads")).toBe("1");
    expect(prop(text, "num.io.threads")).toBe("1");
    expect(prop(text, "log.dirs")).toBe("/data");
    expect(prop(text, "listeners")).toBe("PLAINTEXT://127.0.0.1:9092,CONTROLLER://127.0.0.1:9093");
  });

  it("take the thread counts from KAFKA_NUM_NETWORK_THREADS and KAFKA_NUM_IO_THREADS", () => {
    const text = serverProperties({ ...env, KAFKA_NUM_NETWORK_THREADS: "3", KAFKA_NUM_IO_THREADS: "8" }, "/data");
    expect(prop(text, "num.network.threads")).toBe("3");
    expect(prop(text, "num.io.threads")).toBe("8");
  });

  it.each(["0", "-1", "1.5", "two", "65"])("refuse %s threads with a message naming the variable", (bad) => {
    expect(() => serverProperties({ ...env, KAFKA_NUM_IO_THREADS: bad }, "/data")).toThrow(
      /KAFKA_NUM_IO_THREADS must be a whole number from 1 to 64/,
    );
  });
});

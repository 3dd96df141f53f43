import { describe, expect, it } from "vitest";
import { jvmOptions } from "../scripts/lib/kafka.mjs";

describe("the broker's JVM options", () => {
  it("default to a bounded heap, G1 and the C1 compiler only", () => {
    const opts = jvmOptions({});
    expect(opts).toContain("-Xmx512m");
    expect(opts).toContain("-XX:+UseG1GC");
    expect(opts).toContain("-XX:TieredStopAtLevel=1");
  });

  it("are overridden per variable, as Kafka's start scripts take them", () => {
    const opts = jvmOptions({
      KAFKA_HEAP_OPTS: "-Xmx1g",
      KAFKA_JVM_PERFORMANCE_OPTS: " -XX:+UseSerialGC ",
      KAFKA_OPTS: "-Dfoo=1  -Dbar=2",
    });
    expect(opts).toEqual(["-Xmx1g", "-XX:+UseSerialGC", "-Dfoo=1", "-Dbar=2"]);
  });
});

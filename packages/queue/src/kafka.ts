import { Kafka, logLevel } from "kafkajs";

export function createKafka(brokers: string[], clientId: string): Kafka {
  return new Kafka({
    clientId,
    brokers,
    logLevel: logLevel.NOTHING,
    connectionTimeout: 3000,
    requestTimeout: 10_000,
    retry: { retries: 5, initialRetryTime: 100, maxRetryTime: 2000 },
  });
}

/** Creates the join topic if missing. KRaft can report "no leader" right after creation: wait for leaders and retry. */
export async function ensureTopic(kafka: Kafka, topic: string, partitions: number, config?: Record<string, string>): Promise<void> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    for (let attempt = 0; ; attempt++) {
      try {
        const topics = await admin.listTopics();
        if (!topics.includes(topic)) {
          const configEntries = Object.entries(config ?? {}).map(([name, value]) => ({ name, value }));
          await admin.createTopics({ topics: [{ topic, numPartitions: partitions, replicationFactor: 1, configEntries }], waitForLeaders: true });
        }
        const meta = await admin.fetchTopicMetadata({ topics: [topic] });
        if (meta.topics[0]?.partitions.every((p) => p.leader >= 0)) return;
      } catch (err) {
        if (attempt >= 20) throw err;
      }
      await new Promise((r) => setTimeout(r, 250));
    }
  } finally {
    await admin.disconnect();
  }
}

/**
 * Picks `topic` and the topics named after it (`<topic>.<suffix>`, as an API worker's warm-up
 * names its own), not topics that merely start with the same characters.
 */
export function topicFamily(topic: string): (name: string) => boolean {
  const prefix = `${topic}.`;
  return (name) => name === topic || name.startsWith(prefix);
}

/**
 * Deletes the topics whose names `match` accepts and returns their names. Runs that name their
 * topics per run (tests, bench runs) use it to leave nothing behind on a long-lived broker.
 */
export async function deleteTopics(kafka: Kafka, match: (topic: string) => boolean): Promise<string[]> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    const topics = (await admin.listTopics()).filter(match);
    if (topics.length > 0) await admin.deleteTopics({ topics, timeout: 10_000 });
    return topics;
  } finally {
    await admin.disconnect();
  }
}

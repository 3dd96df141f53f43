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

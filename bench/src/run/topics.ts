import { Kafka, logLevel } from "kafkajs";

/**
 * The run's join topic and the topics named after it (each API worker's warm-up writes to
 * `<topic>.warmup`): left behind, a broker that serves many runs gathers one topic per run.
 */
export async function deleteRunTopics(brokers: string[], topic: string): Promise<string[]> {
  const admin = new Kafka({ clientId: "quickdeal-bench", brokers, logLevel: logLevel.NOTHING }).admin();
  await admin.connect();
  try {
    const topics = (await admin.listTopics()).filter((t) => t === topic || t.startsWith(`${topic}.`));
    if (topics.length > 0) await admin.deleteTopics({ topics, timeout: 10_000 });
    return topics;
  } finally {
    await admin.disconnect();
  }
}

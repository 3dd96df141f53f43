import { createKafka, deleteTopics, topicFamily } from "@quickdeal/queue";

/**
 * The run's join topic and the topics named after it (each API worker's warm-up writes to
 * `<topic>.warmup`): left behind, a broker that serves many runs gathers one topic per run.
 */
export function deleteRunTopics(brokers: string[], topic: string): Promise<string[]> {
  return deleteTopics(createKafka(brokers, "quickdeal-bench"), topicFamily(topic));
}

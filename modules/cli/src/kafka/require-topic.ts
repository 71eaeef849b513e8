import type { Kafka } from 'kafkajs';

/** A consumer was pointed at a topic the cluster does not have. */
export class UnknownTopicError extends Error {
  override readonly name = 'UnknownTopicError';
  constructor(
    readonly topic: string,
    readonly brokers: readonly string[],
    /** The topics the cluster has (internal ones left out). */
    readonly existing: readonly string[],
  ) {
    const shown =
      existing.slice(0, 12).join(', ') + (existing.length > 12 ? `, … (${existing.length} in all)` : '');
    super(
      `topic "${topic}" does not exist on ${brokers.join(', ')} (a consumer never creates topics); ` +
        (existing.length > 0 ? `existing topics: ${shown}; ` : 'the cluster has no topics yet; ') +
        '`meterstream topics create` creates the pipeline topics',
    );
  }
}

/**
 * Fails with UnknownTopicError unless `topic` exists. Asks for every topic's metadata (a request
 * that names no topic), since a Metadata request naming a missing topic makes a broker with
 * auto-creation on create it — a typo would become a topic, and the consumer would wait on it
 * forever in silence, as kafka-console-consumer does not.
 */
export async function requireTopic(kafka: Kafka, topic: string, brokers: readonly string[]): Promise<void> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    const topics = await admin.listTopics();
    if (!topics.includes(topic))
      throw new UnknownTopicError(topic, brokers, topics.filter((name) => !name.startsWith('_')).sort());
  } finally {
    await admin.disconnect();
  }
}

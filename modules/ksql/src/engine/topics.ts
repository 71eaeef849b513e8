import { KsqlError } from '../errors.js';
import type { EngineContext } from './engine-context.js';

/**
 * Makes sure a source's topic exists: created with PARTITIONS (and REPLICAS, default 1) when it
 * does not, refused when it does not and no PARTITIONS were given (ksqlDB's TopicCreateInjector).
 * Returns the topic's partition count.
 */
export async function ensureTopic(
  ctx: EngineContext,
  topic: string,
  partitions: number | undefined,
  replicas: number | undefined,
  retentionMs?: string,
): Promise<number> {
  const existing = await ctx.options.topics.partitions(topic);
  if (existing !== undefined) {
    if (partitions !== undefined && partitions !== existing) {
      throw new KsqlError(
        `A Kafka topic with the name '${topic}' already exists, with different partition/replica configuration than required. KSQL expects ${partitions} partitions (topic has ${existing}).`,
      );
    }
    return existing;
  }
  if (partitions === undefined) throw new KsqlError(`Kafka topic does not exist: ${topic}`);
  const config: Record<string, string> = {};
  if (retentionMs !== undefined) config['retention.ms'] = retentionMs;
  await ctx.options.topics.create(topic, partitions, replicas ?? 1, config);
  return partitions;
}

import { KsqlError } from '../errors.js';
import type { EngineContext } from './engine-context.js';

/**
 * Makes sure a source's topic exists: created with PARTITIONS (and REPLICAS, default 1) when it
 * does not, refused when it does not and no PARTITIONS were given (ksqlDB's TopicCreateInjector).
 * An existing topic is taken as it is.
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
  // An existing topic is used as it is (its partition count wins over PARTITIONS).
  if (existing !== undefined) return existing;
  if (partitions === undefined) throw new KsqlError(`Kafka topic does not exist: ${topic}`);
  const config: Record<string, string> = {};
  if (retentionMs !== undefined) config['retention.ms'] = retentionMs;
  await ctx.options.topics.create(topic, partitions, replicas ?? 1, config);
  return partitions;
}

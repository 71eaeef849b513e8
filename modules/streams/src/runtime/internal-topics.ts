import type { StreamsAdmin } from './kafka-client.js';
import type { Topology } from '../topology/topology.js';

export class TopologyStartError extends Error {
  override readonly name = 'TopologyStartError';
}

/**
 * Creates the topology's repartition and changelog topics (changelogs compacted) that do not exist
 * yet, sized like the source topics they are co-partitioned with, and checks that co-partitioned
 * source topics have the same partition count. Returns the partition count per source topic.
 */
export async function prepareTopics(
  admin: StreamsAdmin,
  topology: Topology,
  applicationId: string,
  replicationFactor: number,
): Promise<Map<string, number>> {
  const internal = topology.internalTopics(applicationId);
  const internalNames = new Set(internal.map((t) => t.name));
  const externalSources = topology.sourceTopics(applicationId).filter((t) => !internalNames.has(t));
  // Listed first: fetchTopicMetadata of a missing topic fails with a protocol error naming none.
  const listed = new Set(await admin.listTopics());
  const missing = externalSources.filter((t) => !listed.has(t));
  if (missing.length) throw new TopologyStartError(`source topic(s) ${missing.join(', ')} do not exist`);
  const metadata = await admin.fetchTopicMetadata({ topics: externalSources });
  const partitions = new Map(metadata.topics.map((t) => [t.name, t.partitions.length]));
  for (const topic of externalSources) {
    if (!partitions.get(topic))
      throw new TopologyStartError(`source topic ${topic} does not exist or has no partitions`);
  }
  // Internal topics get the largest source partition count unless the topology fixes one.
  const defaultCount = Math.max(1, ...partitions.values());
  const toCreate = internal
    .filter((t) => !listed.has(t.name))
    .map((t) => ({
      topic: t.name,
      numPartitions: t.partitions ?? defaultCount,
      replicationFactor,
      configEntries: Object.entries(t.config).map(([name, value]) => ({ name, value })),
    }));
  if (toCreate.length) await admin.createTopics({ topics: toCreate, waitForLeaders: true });
  const internalMeta = await admin.fetchTopicMetadata({ topics: [...internalNames] });
  for (const t of internalMeta.topics) partitions.set(t.name, t.partitions.length);

  for (const group of topology.copartitionGroups(applicationId)) {
    const counts = new Set(group.map((t) => partitions.get(t)));
    if (counts.size > 1) {
      const detail = group.map((t) => `${t}=${partitions.get(t)}`).join(', ');
      throw new TopologyStartError(
        `co-partitioned topics must have the same number of partitions: ${detail}`,
      );
    }
  }
  return partitions;
}

import type { Topology } from '@meterstream/streams';
import type { Admin } from 'kafkajs';

/**
 * Deletes what a stopped streams application leaves in Kafka (ksqlDB's cleanup on TERMINATE and
 * for transient queries): its internal topics (`<applicationId>-…-changelog|-repartition`, as the
 * topology declares them) and its consumer groups — the application's own and the throw-away
 * groups its restores used (`<applicationId>-restore-<instance>`). Returns what it deleted.
 */
export async function cleanUpApplication(
  admin: Admin,
  topology: Topology,
  applicationId: string,
): Promise<{ topics: string[]; groups: string[] }> {
  const existing = new Set(await admin.listTopics());
  const topics = topology
    .internalTopics(applicationId)
    .map((t) => t.name)
    .filter((t) => existing.has(t));
  if (topics.length) await admin.deleteTopics({ topics });
  const { groups: listed } = await admin.listGroups();
  const groups = listed
    .map((g) => g.groupId)
    .filter((g) => g === applicationId || g.startsWith(`${applicationId}-restore-`));
  if (groups.length) await admin.deleteGroups(groups);
  return { topics, groups };
}

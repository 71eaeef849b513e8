import type {
  OffsetFetchRequest,
  OffsetFetchResponse,
  OffsetFetchResponseTopic,
} from '../protocol/messages.generated.js';
import { ErrorCode } from '../protocol/errors.js';
import type { GroupCoordinatorApi } from '../group/coordinator-api.js';
import type { ApiHandler } from './handler.js';

/**
 * OffsetFetch: committed offsets (-1 where none). Null topics (v2+) mean "everything the group
 * committed"; v7 `requireStable` answers UNSTABLE_OFFSET_COMMIT while a transaction holds an
 * offset for the partition; v8 asks for several groups at once.
 */
export const offsetFetch: ApiHandler<OffsetFetchRequest, OffsetFetchResponse> = {
  apiKey: 9,
  name: 'OffsetFetch',
  minVersion: 0,
  maxVersion: 8,
  handle(req, ctx) {
    const groups = ctx.broker.groups;
    const requireStable = ctx.apiVersion >= 7 && req.requireStable;
    if (ctx.apiVersion >= 8) {
      return {
        throttleTimeMs: 0,
        groups: req.groups.map((g) => ({
          groupId: g.groupId,
          errorCode: ErrorCode.NONE,
          topics: fetchTopics(groups, g.groupId, g.topics, requireStable),
        })),
      };
    }
    return {
      throttleTimeMs: 0,
      errorCode: ErrorCode.NONE,
      topics: fetchTopics(groups, req.groupId, req.topics, requireStable),
    };
  },
};

function fetchTopics(
  groups: GroupCoordinatorApi,
  groupId: string,
  topics: { name: string; partitionIndexes: number[] }[] | null,
  requireStable: boolean,
): OffsetFetchResponseTopic[] {
  const wanted =
    topics?.flatMap((t) => t.partitionIndexes.map((partition) => ({ topic: t.name, partition }))) ?? null;
  const byTopic = new Map<string, OffsetFetchResponseTopic>();
  // Topics asked for with no partitions still appear in the answer.
  for (const t of topics ?? []) byTopic.set(t.name, { name: t.name, partitions: [] });
  for (const o of groups.fetchOffsets(groupId, wanted, requireStable)) {
    let topic = byTopic.get(o.topic);
    if (!topic) {
      topic = { name: o.topic, partitions: [] };
      byTopic.set(o.topic, topic);
    }
    topic.partitions!.push({
      partitionIndex: o.partition,
      committedOffset: o.offset,
      committedLeaderEpoch: o.leaderEpoch,
      metadata: o.metadata,
      errorCode: o.errorCode,
    });
  }
  return [...byTopic.values()];
}

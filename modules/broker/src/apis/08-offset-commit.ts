import type { OffsetCommitRequest, OffsetCommitResponse } from '../protocol/messages.generated.js';
import type { ApiHandler } from './handler.js';

/**
 * OffsetCommit: answered only after the offsets are fsynced. v0 commits outside any generation;
 * v1 adds member and generation; the retention time of v2–v4 is accepted and ignored (offsets
 * are kept until their group is deleted); v6 adds the leader epoch; v7 the static instance id.
 */
export const offsetCommit: ApiHandler<OffsetCommitRequest, OffsetCommitResponse> = {
  apiKey: 8,
  name: 'OffsetCommit',
  minVersion: 0,
  maxVersion: 8,
  async handle(req, ctx) {
    const groups = ctx.broker.groups;
    const offsets = req.topics.flatMap((t) =>
      t.partitions.map((p) => ({
        topic: t.name,
        partition: p.partitionIndex,
        offset: p.committedOffset,
        leaderEpoch: ctx.apiVersion >= 6 ? p.committedLeaderEpoch : -1,
        metadata: p.committedMetadata,
      })),
    );
    const v0 = ctx.apiVersion === 0;
    const results = await groups.commitOffsets(
      req.groupId,
      v0 ? -1 : req.generationIdOrMemberEpoch,
      v0 ? '' : req.memberId,
      ctx.apiVersion >= 7 ? req.groupInstanceId : null,
      offsets,
    );
    let i = 0;
    return {
      throttleTimeMs: 0,
      topics: req.topics.map((t) => ({
        name: t.name,
        partitions: t.partitions.map((p) => ({
          partitionIndex: p.partitionIndex,
          errorCode: results[i++].errorCode,
        })),
      })),
    };
  },
};

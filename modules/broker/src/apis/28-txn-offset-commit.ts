import type { TxnOffsetCommitRequest, TxnOffsetCommitResponse } from '../protocol/messages.generated.js';
import { ErrorCode } from '../protocol/errors.js';
import { groupCoordinatorOf } from '../group/component.js';
import { transactionCoordinatorOf } from '../txn/component.js';
import type { ApiHandler } from './handler.js';

/**
 * TxnOffsetCommit: group offsets written inside a transaction; they become visible to
 * OffsetFetch only when the transaction commits. v2 adds leader epochs; v3 member and generation,
 * checked like OffsetCommit's (zombie consumers are refused).
 */
export const txnOffsetCommit: ApiHandler<TxnOffsetCommitRequest, TxnOffsetCommitResponse> = {
  apiKey: 28,
  name: 'TxnOffsetCommit',
  minVersion: 0,
  maxVersion: 3,
  async handle(req, ctx) {
    const txns = transactionCoordinatorOf(ctx.broker);
    const groups = groupCoordinatorOf(ctx.broker);
    const offsets = req.topics.flatMap((t) =>
      t.partitions.map((p) => ({
        topic: t.name,
        partition: p.partitionIndex,
        offset: p.committedOffset,
        leaderEpoch: ctx.apiVersion >= 2 ? p.committedLeaderEpoch : -1,
        metadata: p.committedMetadata,
      })),
    );
    const txnError = txns.validate(req.transactionalId, req.producerId, req.producerEpoch);
    const results =
      txnError !== ErrorCode.NONE
        ? offsets.map(() => ({ errorCode: txnError }))
        : await groups.commitTxnOffsets(
            req.groupId,
            req.producerId,
            ctx.apiVersion >= 3 ? req.generationId : -1,
            ctx.apiVersion >= 3 ? req.memberId : '',
            ctx.apiVersion >= 3 ? req.groupInstanceId : null,
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

import type { TxnOffsetCommitRequest, TxnOffsetCommitResponse } from '../protocol/messages.generated.js';
import { ErrorCode } from '../protocol/errors.js';
import type { ApiHandler } from './handler.js';

/**
 * TxnOffsetCommit: group offsets written inside a transaction; they become visible to
 * OffsetFetch only when the transaction commits. v2 adds leader epochs; v3 member and generation.
 *
 * Checked in Kafka's order (KafkaApis.handleTxnOffsetCommitRequest, then
 * GroupCoordinator.handleTxnCommitOffsets):
 * 1. the group id (INVALID_GROUP_ID for every partition);
 * 2. each topic and partition must exist (UNKNOWN_TOPIC_OR_PARTITION for those that do not; the
 *    others go on);
 * 3. with `transactionPartitionVerification` (Kafka's transaction.partition.verification.enable,
 *    default true since 3.6), the transaction coordinator's verdict: INVALID_PRODUCER_ID_MAPPING,
 *    INVALID_PRODUCER_EPOCH, CONCURRENT_TRANSACTIONS or INVALID_TXN_STATE (group not added to the
 *    ongoing transaction). Off, as Kafka up to 3.5, the transactional fields are not checked at
 *    all: the offsets are stored pending for the producer id the request names;
 * 4. member and generation (v3), like OffsetCommit's — zombie consumers are refused.
 */
export const txnOffsetCommit: ApiHandler<TxnOffsetCommitRequest, TxnOffsetCommitResponse> = {
  apiKey: 28,
  name: 'TxnOffsetCommit',
  minVersion: 0,
  maxVersion: 3,
  async handle(req, ctx) {
    const groups = ctx.broker.groups;
    const answer = new Map<string, number>();
    const key = (topic: string, partition: number) => `${partition}:${topic}`;
    const valid = req.topics.flatMap((t) =>
      t.partitions.flatMap((p) => {
        if (req.groupId === '') {
          answer.set(key(t.name, p.partitionIndex), ErrorCode.INVALID_GROUP_ID);
          return [];
        }
        if (!ctx.broker.topics.partition(t.name, p.partitionIndex)) {
          answer.set(key(t.name, p.partitionIndex), ErrorCode.UNKNOWN_TOPIC_OR_PARTITION);
          return [];
        }
        return [
          {
            topic: t.name,
            partition: p.partitionIndex,
            offset: p.committedOffset,
            leaderEpoch: ctx.apiVersion >= 2 ? p.committedLeaderEpoch : -1,
            metadata: p.committedMetadata,
          },
        ];
      }),
    );
    if (valid.length > 0) {
      const txnError = ctx.broker.config.transactionPartitionVerification
        ? ctx.broker.transactions.verifyTxnOffsetCommit(
            req.transactionalId,
            req.producerId,
            req.producerEpoch,
            req.groupId,
          )
        : ErrorCode.NONE;
      const results =
        txnError !== ErrorCode.NONE
          ? valid.map((o) => ({ ...o, errorCode: txnError }))
          : await groups.commitTxnOffsets(
              req.groupId,
              req.producerId,
              ctx.apiVersion >= 3 ? req.generationId : -1,
              ctx.apiVersion >= 3 ? req.memberId : '',
              ctx.apiVersion >= 3 ? req.groupInstanceId : null,
              valid,
            );
      for (const r of results) answer.set(key(r.topic, r.partition), r.errorCode);
    }
    return {
      throttleTimeMs: 0,
      topics: req.topics.map((t) => ({
        name: t.name,
        partitions: t.partitions.map((p) => ({
          partitionIndex: p.partitionIndex,
          errorCode: answer.get(key(t.name, p.partitionIndex)) ?? ErrorCode.UNKNOWN_SERVER_ERROR,
        })),
      })),
    };
  },
};

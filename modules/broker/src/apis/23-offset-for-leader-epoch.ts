import { ErrorCode } from '../protocol/errors.js';
import type {
  OffsetForLeaderEpochRequest,
  OffsetForLeaderEpochResponse,
} from '../protocol/messages.generated.js';
import type { ApiHandler } from './handler.js';

/**
 * OffsetForLeaderEpoch: this broker has led every partition since it was created, always in epoch
 * 0, so the end offset of epoch 0 is the log end; a later epoch is unknown (-1/-1), an earlier
 * current epoch than ours is fenced.
 */
export const offsetForLeaderEpoch: ApiHandler<OffsetForLeaderEpochRequest, OffsetForLeaderEpochResponse> = {
  apiKey: 23,
  name: 'OffsetForLeaderEpoch',
  minVersion: 0,
  maxVersion: 4,
  handle(req, ctx) {
    return {
      throttleTimeMs: 0,
      topics: req.topics.map((t) => ({
        topic: t.topic,
        partitions: t.partitions.map((rp) => {
          const p = ctx.broker.topics.partition(t.topic, rp.partition);
          if (!p) {
            return {
              errorCode: ErrorCode.UNKNOWN_TOPIC_OR_PARTITION,
              partition: rp.partition,
              leaderEpoch: -1,
              endOffset: -1n,
            };
          }
          if (rp.currentLeaderEpoch > 0) {
            return {
              errorCode: ErrorCode.UNKNOWN_LEADER_EPOCH,
              partition: rp.partition,
              leaderEpoch: -1,
              endOffset: -1n,
            };
          }
          if (rp.leaderEpoch > 0) {
            return { errorCode: ErrorCode.NONE, partition: rp.partition, leaderEpoch: -1, endOffset: -1n };
          }
          return {
            errorCode: ErrorCode.NONE,
            partition: rp.partition,
            leaderEpoch: 0,
            endOffset: BigInt(p.highWatermark),
          };
        }),
      })),
    };
  },
};

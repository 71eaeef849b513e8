import { ErrorCode, KafkaError } from '../protocol/errors.js';
import type {
  ListOffsetsRequest,
  ListOffsetsResponse,
  ListOffsetsResponseListOffsetsPartitionResponse,
} from '../protocol/messages.generated.js';
import { errorCodeOf } from './errors.js';
import type { ApiHandler } from './handler.js';

const LATEST = -1n;
const EARLIEST = -2n;

/** ListOffsets: earliest (-2), latest (-1; the LSO for READ_COMMITTED) or first offset at a time. */
export const listOffsets: ApiHandler<ListOffsetsRequest, ListOffsetsResponse> = {
  apiKey: 2,
  name: 'ListOffsets',
  minVersion: 1,
  maxVersion: 6,
  handle(req, ctx) {
    const committed = req.isolationLevel === 1;
    return {
      throttleTimeMs: 0,
      topics: req.topics.map((t) => ({
        name: t.name,
        partitions: t.partitions.map((rp) => {
          const res: ListOffsetsResponseListOffsetsPartitionResponse = {
            partitionIndex: rp.partitionIndex,
            errorCode: ErrorCode.NONE,
            timestamp: -1n,
            offset: -1n,
            leaderEpoch: 0,
          };
          const where = `${t.name}-${rp.partitionIndex}`;
          try {
            const p = ctx.broker.topics.partition(t.name, rp.partitionIndex);
            if (!p) throw new KafkaError(ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, `${where}: no such partition`);
            if (rp.timestamp === LATEST)
              res.offset = BigInt(committed ? p.lastStableOffset : p.highWatermark);
            else if (rp.timestamp === EARLIEST) res.offset = BigInt(p.logStartOffset);
            else if (rp.timestamp < 0n) {
              throw new KafkaError(
                ErrorCode.INVALID_REQUEST,
                `${where}: unsupported timestamp ${rp.timestamp}`,
              );
            } else {
              const o = p.offsetForTimestamp(Number(rp.timestamp));
              if (o >= 0 && o < p.highWatermark) {
                res.offset = BigInt(o);
                res.timestamp = rp.timestamp;
              }
            }
          } catch (err) {
            res.errorCode = errorCodeOf(err, ctx, where);
          }
          return res;
        }),
      })),
    };
  },
};

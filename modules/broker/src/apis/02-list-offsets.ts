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

/**
 * ListOffsets: earliest (-2), latest (-1; the LSO for READ_COMMITTED) or first offset at a time.
 * v0 (still sent by kafkajs's `versions` override and old clients) answers the older question
 * "up to maxNumOffsets offsets before a time", see oldStyleOffsets.
 */
export const listOffsets: ApiHandler<ListOffsetsRequest, ListOffsetsResponse> = {
  apiKey: 2,
  name: 'ListOffsets',
  minVersion: 0,
  maxVersion: 6,
  handle(req, ctx) {
    if (ctx.apiVersion === 0) return listOffsetsV0(req, ctx);
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

/**
 * v0: per partition an array of at most maxNumOffsets offsets in descending order, taken from the
 * segment start offsets and the high watermark, as Kafka's `fetchOffsetsBefore`: latest (-1) →
 * [high watermark, then segment starts from the newest]; earliest (-2) → [log start offset]; a
 * time t → the starts of the segments last written at or before t, newest first. Kafka dates a
 * segment by its file's mtime; here it is the segment's largest record timestamp (the same for
 * records stamped on arrival, and meaningful for replayed history).
 */
function listOffsetsV0(
  req: ListOffsetsRequest,
  ctx: Parameters<typeof listOffsets.handle>[1],
): ListOffsetsResponse {
  return {
    topics: req.topics.map((t) => ({
      name: t.name,
      partitions: t.partitions.map((rp) => {
        const res: ListOffsetsResponseListOffsetsPartitionResponse = {
          partitionIndex: rp.partitionIndex,
          errorCode: ErrorCode.NONE,
          oldStyleOffsets: [],
        };
        const where = `${t.name}-${rp.partitionIndex}`;
        try {
          const p = ctx.broker.topics.partition(t.name, rp.partitionIndex);
          if (!p) throw new KafkaError(ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, `${where}: no such partition`);
          if (rp.maxNumOffsets < 0) {
            throw new KafkaError(ErrorCode.INVALID_REQUEST, `${where}: maxNumOffsets ${rp.maxNumOffsets}`);
          }
          // (offset, time) per segment start, plus the end when the last segment holds data
          const points: { offset: number; time: number }[] = p.segments.map((seg) => ({
            offset: Math.max(seg.baseOffset, p.logStartOffset),
            time: seg.maxTimestamp,
          }));
          if (p.activeSegment.size > 0) points.push({ offset: p.highWatermark, time: Date.now() });
          let start: number;
          if (rp.timestamp === LATEST) start = points.length - 1;
          else if (rp.timestamp === EARLIEST) start = 0;
          else {
            start = points.length - 1;
            while (start >= 0 && points[start].time > Number(rp.timestamp)) start--;
          }
          const out: number[] = [];
          for (let i = start; i >= 0 && out.length < rp.maxNumOffsets; i--) out.push(points[i].offset);
          // never beyond what consumers may read (Kafka filters by the high watermark after taking)
          res.oldStyleOffsets = out
            .filter((o) => o <= p.highWatermark)
            .sort((a, b) => b - a)
            .map((o) => BigInt(o));
        } catch (err) {
          res.errorCode = errorCodeOf(err, ctx, where);
        }
        return res;
      }),
    })),
  };
}

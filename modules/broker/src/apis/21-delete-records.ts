import { ErrorCode, KafkaError } from '../protocol/errors.js';
import type { DeleteRecordsRequest, DeleteRecordsResponse } from '../protocol/messages.generated.js';
import { errorCodeOf } from './errors.js';
import type { ApiHandler } from './handler.js';

/** DeleteRecords: moves the log start offset; offset -1 means "up to the high watermark". */
export const deleteRecords: ApiHandler<DeleteRecordsRequest, DeleteRecordsResponse> = {
  apiKey: 21,
  name: 'DeleteRecords',
  minVersion: 0,
  maxVersion: 2,
  handle(req, ctx) {
    return {
      throttleTimeMs: 0,
      topics: req.topics.map((t) => ({
        name: t.name,
        partitions: t.partitions.map((rp) => {
          const where = `${t.name}-${rp.partitionIndex}`;
          try {
            const p = ctx.broker.topics.partition(t.name, rp.partitionIndex);
            if (!p) throw new KafkaError(ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, `${where}: no such partition`);
            const offset = rp.offset === -1n ? p.highWatermark : Number(rp.offset);
            const low = p.deleteRecordsBefore(offset);
            return {
              partitionIndex: rp.partitionIndex,
              lowWatermark: BigInt(low),
              errorCode: ErrorCode.NONE,
            };
          } catch (err) {
            return {
              partitionIndex: rp.partitionIndex,
              lowWatermark: -1n,
              errorCode: errorCodeOf(err, ctx, where),
            };
          }
        }),
      })),
    };
  },
};

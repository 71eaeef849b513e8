/**
 * A topic's timestamp settings applied to produced batches before they are appended, as Kafka's
 * LogValidator does for magic v2:
 * - CreateTime with message.timestamp.before.max.ms / after.max.ms (or the older
 *   difference.max.ms): a record whose timestamp lies outside [now − before, now + after] makes
 *   the whole partition's data INVALID_TIMESTAMP, with Kafka's messages and a record error naming
 *   the record. Records are read only when a bound is set (uncompressed and gzip batches; for
 *   other codecs, which this broker cannot decode, the batch's first and max timestamps stand for
 *   its records).
 * - LogAppendTime: each batch gets the timestamp-type bit and max timestamp = now (CRC
 *   recomputed), so every consumer sees the broker's append time; the produce answer carries it.
 */
import { ErrorCode, KafkaError } from '../protocol/errors.js';
import { crc32c } from './crc32c.js';
import { type BatchInfo, decodeRecords } from './record-batch.js';
import type { EffectiveTopicConfig } from './topic-config.js';

/** Kafka's NO_TIMESTAMP: records without a timestamp are never refused. */
const NO_TIMESTAMP = -1;
const ATTR_LOG_APPEND_TIME = 0x08;

/** An INVALID_TIMESTAMP refusal with Kafka's per-record errors (ProduceResponse v8+ recordErrors). */
export class InvalidTimestampError extends KafkaError {
  constructor(readonly recordErrors: { batchIndex: number; batchIndexErrorMessage: string }[]) {
    super(ErrorCode.INVALID_TIMESTAMP, 'One or more records have been rejected due to invalid timestamp');
  }
}

/**
 * Checks (CreateTime) or stamps (LogAppendTime) `records` in place; returns the log append time
 * to answer with, or -1. Throws InvalidTimestampError.
 */
export function applyTimestampPolicy(
  cfg: EffectiveTopicConfig,
  records: Buffer,
  infos: BatchInfo[],
  now: number,
): number {
  if (cfg.logAppendTime) {
    for (const info of infos) {
      const at = info.start;
      records.writeInt16BE(records.readInt16BE(at + 21) | ATTR_LOG_APPEND_TIME, at + 21);
      records.writeBigInt64BE(BigInt(now), at + 35);
      records.writeUInt32BE(crc32c(records, at + 21, at + info.size), at + 17);
      info.attributes |= ATTR_LOG_APPEND_TIME;
      info.maxTimestamp = now;
    }
    return now;
  }
  const { timestampBeforeMaxMs: before, timestampAfterMaxMs: after } = cfg;
  if (before === Number.POSITIVE_INFINITY && after === Number.POSITIVE_INFINITY) return -1;
  const lo = now - before;
  const hi = now + after;
  const errors: { batchIndex: number; batchIndexErrorMessage: string }[] = [];
  const check = (timestamp: number, index: number, offset: number) => {
    if (timestamp === NO_TIMESTAMP || (timestamp >= lo && timestamp <= hi)) return;
    errors.push({
      batchIndex: index,
      batchIndexErrorMessage: `Timestamp ${timestamp} of message with offset ${offset} is out of range. The timestamp should be within [${lo}, ${hi}]`,
    });
  };
  for (const info of infos) {
    const batch = records.subarray(info.start, info.start + info.size);
    const base = Number(batch.readBigInt64BE(27));
    const decoded = decodeRecords(batch);
    if (decoded) {
      for (const [i, r] of decoded.entries()) check(base + r.timestampDelta, i, r.offsetDelta);
    } else {
      check(base, 0, 0);
      check(info.maxTimestamp, info.recordCount - 1, info.lastOffsetDelta);
    }
  }
  if (errors.length > 0) throw new InvalidTimestampError(errors);
  return -1;
}

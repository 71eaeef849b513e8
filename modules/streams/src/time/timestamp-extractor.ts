/**
 * Chooses a record's event time (Kafka Streams' TimestampExtractor). `partitionTime` is the
 * largest valid timestamp seen so far on the partition (-1 before the first), so an extractor can
 * fall back to it. The record object may be reused for the next record: do not keep it.
 */
export type TimestampExtractor<K = unknown, V = unknown> = (
  record: ExtractableRecord<K, V>,
  partitionTime: number,
) => number;

export interface ExtractableRecord<K, V> {
  readonly topic: string;
  readonly partition: number;
  readonly offset: number;
  readonly key: K | null;
  readonly value: V | null;
  /** The timestamp the record carries (producer or log-append time). */
  readonly timestamp: number;
}

/** The record's own timestamp (Kafka's default FailOnInvalidTimestamp without the failing). */
export const recordTimestamp: TimestampExtractor = (record) => record.timestamp;

/**
 * Event time read from the value, e.g. a metric's own timestamp. A record without a value (a
 * tombstone) keeps its record timestamp, so deletes are not rejected as invalid.
 */
export function valueTimestamp<V>(read: (value: V) => number): TimestampExtractor<unknown, V> {
  return (record) =>
    record.value === null || record.value === undefined ? record.timestamp : read(record.value);
}

/**
 * What to do when the extractor yields a negative or non-finite timestamp:
 * - `fail`: throw an InvalidTimestampError (the runtime stops the task, Kafka's FailOnInvalidTimestamp);
 * - `log-and-skip`: drop the record, count it, log at warn (LogAndSkipOnInvalidTimestamp);
 * - `use-previous`: use the partition time (UsePartitionTimeOnInvalidTimestamp); skipped if there is none yet.
 */
export type InvalidTimestampPolicy = 'fail' | 'log-and-skip' | 'use-previous';

export class InvalidTimestampError extends Error {
  constructor(
    readonly topic: string,
    readonly partition: number,
    readonly offset: number,
    readonly timestamp: number,
  ) {
    super(`invalid timestamp ${timestamp} for record at ${topic}-${partition}@${offset}`);
    this.name = 'InvalidTimestampError';
  }
}

export function isValidTimestamp(ts: number): boolean {
  return ts >= 0 && Number.isFinite(ts);
}

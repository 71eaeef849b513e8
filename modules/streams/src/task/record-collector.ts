import type { Headers } from '../processor/record.js';

/** One serialized output record leaving a sink. */
export interface OutputRecord {
  readonly topic: string;
  /** undefined = let the producer's partitioner choose (hash of the key bytes). */
  readonly partition: number | undefined;
  readonly key: Buffer | null;
  readonly value: Buffer | null;
  readonly timestamp: number;
  readonly headers: Headers;
}

/**
 * Where sink nodes send serialized records. The Kafka runtime buffers them for its producer (and
 * sends them before committing offsets); the test driver appends them to its output topics.
 */
export interface RecordCollector {
  send(record: OutputRecord): void;
  /** Partition count of an output topic, needed only by custom StreamPartitioners. */
  partitionsFor?(topic: string): number;
}

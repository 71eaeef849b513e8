import type { Headers } from '../processor/record.js';

/** A record as a test pipes or reads it (Kafka Streams' TestRecord). */
export interface TestRecord<K, V> {
  readonly key: K | null;
  readonly value: V | null;
  readonly timestamp: number;
  readonly headers: Headers;
}

export interface KeyValue<K, V> {
  readonly key: K | null;
  readonly value: V | null;
}

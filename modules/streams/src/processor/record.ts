/** One Kafka record header; values are bytes as on the wire. */
export interface Header {
  readonly key: string;
  readonly value: Buffer | null;
}

export type Headers = readonly Header[];

export const NO_HEADERS: Headers = Object.freeze([]) as Headers;

/**
 * The unit that flows between processors (Kafka Streams' `api.Record`). Immutable: the `with*`
 * methods return a copy, so a processor that forwards to several children cannot corrupt them.
 */
export class Record<K, V> {
  constructor(
    readonly key: K,
    readonly value: V,
    readonly timestamp: number,
    readonly headers: Headers = NO_HEADERS,
  ) {}

  withKey<K2>(key: K2): Record<K2, V> {
    return new Record(key, this.value, this.timestamp, this.headers);
  }

  withValue<V2>(value: V2): Record<K, V2> {
    return new Record(this.key, value, this.timestamp, this.headers);
  }

  withTimestamp(timestamp: number): Record<K, V> {
    return new Record(this.key, this.value, timestamp, this.headers);
  }

  withHeaders(headers: Headers): Record<K, V> {
    return new Record(this.key, this.value, this.timestamp, headers);
  }
}

/** Where the record being processed came from; `null` inside a punctuation. */
export interface RecordMetadata {
  readonly topic: string;
  readonly partition: number;
  readonly offset: number;
}

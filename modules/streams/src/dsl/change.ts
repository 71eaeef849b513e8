/**
 * What KTable processors send each other: the new and the previous value of a key (Kafka Streams'
 * Change). `null` new value = the key was deleted (a tombstone downstream).
 */
export interface Change<V> {
  readonly newValue: V | null;
  readonly oldValue: V | null;
}

export function change<V>(newValue: V | null, oldValue: V | null): Change<V> {
  return { newValue, oldValue };
}

/** A stored table value with the timestamp of the record that produced it (timestamped stores). */
export interface ValueAndTimestamp<V> {
  readonly value: V;
  readonly timestamp: number;
}

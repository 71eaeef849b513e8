import type { Serde } from '@meterstream/streams';
import type { KsqlSerde } from '../format/format.js';

/**
 * What a source serde returns for bytes it cannot read. ksqlDB logs such records to its
 * processing log and skips them; a thrown error would instead stop the task. The source step
 * drops records carrying this marker before anything else sees them.
 */
export const BAD_RECORD: unique symbol = Symbol('ksql.undeserializable');
export type BadRecord = typeof BAD_RECORD;

/** Wraps a source serde so a deserialization failure yields BAD_RECORD instead of throwing. */
export function tolerantSerde<T>(
  serde: KsqlSerde<T>,
  onError: (err: unknown, data: Buffer) => void,
): Serde<T | BadRecord> {
  return {
    serialize: (value) => serde.serialize(value as T),
    deserialize(data) {
      try {
        return serde.deserialize(data);
      } catch (err) {
        onError(err, data);
        return BAD_RECORD;
      }
    },
  };
}

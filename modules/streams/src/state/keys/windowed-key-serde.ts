import { readInt64BE, writeInt64BE } from '../bytes.js';
import { type Serde, serializeFramed } from '../serde.js';
import type { Windowed } from '../window.js';

/**
 * Byte-ordered Windowed keys for key-value stores that hold a windowed table (a windowed KTable
 * materialized by filter/mapValues, the KSQL pull-query store): `[key bytes][start: int64 BE]
 * [end: int64 BE]`, as Kafka's TimeWindowedSerde with the end added (session windows' ends are
 * not start + size). Key-first, so in every backend's byte order one key's windows are contiguous
 * and ordered by start: `windowedKeyRange` turns "windows of key K with start in [from, to]" into a
 * single `range(from, to)` instead of a scan of the store. Timestamps must be non-negative
 * (negative ones would sort after positive ones as bytes), as in the window stores.
 */
export const WINDOWED_KEY_SUFFIX = 16;

export function windowedKeySerde<K>(inner: Serde<K>): Serde<Windowed<K>> {
  return {
    serialize(windowed) {
      const out = serializeFramed(inner, windowed.key, 0, WINDOWED_KEY_SUFFIX);
      const keyLength = out.length - WINDOWED_KEY_SUFFIX;
      writeInt64BE(out, windowed.window.start, keyLength);
      writeInt64BE(out, windowed.window.end, keyLength + 8);
      return out;
    },
    deserialize(data) {
      const keyLength = data.length - WINDOWED_KEY_SUFFIX;
      if (keyLength < 0)
        throw new RangeError(
          `windowed key of ${data.length} bytes: shorter than its ${WINDOWED_KEY_SUFFIX}-byte window`,
        );
      return {
        key: inner.deserialize(data.subarray(0, keyLength)),
        window: { start: readInt64BE(data, keyLength), end: readInt64BE(data, keyLength + 8) },
      };
    },
  };
}

/**
 * Inclusive `range(from, to)` bounds, for a store keyed by `windowedKeySerde`, of the windows of
 * `key` that start in [timeFrom, timeTo]. A longer key whose bytes start with `key`'s can fall
 * inside the byte range: callers compare the keys they get back.
 */
export function windowedKeyRange<K>(
  key: K,
  timeFrom: number,
  timeTo: number,
): { readonly from: Windowed<K>; readonly to: Windowed<K> } {
  return {
    from: { key, window: { start: Math.max(0, timeFrom), end: 0 } },
    to: { key, window: { start: timeTo, end: Number.MAX_SAFE_INTEGER } },
  };
}

import { compareBytes } from '../bytes.js';
import type { KeyValue } from '../iterator.js';
import {
  WINDOW_SUFFIX,
  windowKeyHigh,
  windowKeyKey,
  windowKeyLow,
  windowKeyStart,
} from '../keys/window-key-schema.js';
import type { Windowed } from '../window.js';

/** A segment-ordered scan of composite keys (see SegmentedBytesStore.scan), any value type. */
export type CompositeScan<V> = (
  low: Buffer | undefined,
  high: Buffer | undefined,
  timeFrom: number,
  timeTo: number,
  reverse: boolean,
) => Iterator<KeyValue<Buffer, V>>;

/**
 * Windows of one key with start in [timeFrom, timeTo] (clamped to the live range), one range scan
 * per segment. Timestamps are non-negative: negative ones would sort after positive ones as bytes.
 */
export function* fetchKeyWindows<V>(
  scan: CompositeScan<V>,
  key: Buffer,
  timeFrom: number,
  timeTo: number,
  minLiveTime: number,
  reverse: boolean,
): Generator<KeyValue<number, V>> {
  const from = Math.max(timeFrom, minLiveTime);
  if (from > timeTo) return;
  const low = from > 0 ? windowKeyLow(key, from) : key;
  const high = windowKeyHigh(key, timeTo);
  const source = scan(low, high, from, timeTo, reverse);
  for (let r = source.next(); !r.done; r = source.next()) {
    const composite = r.value.key;
    // A longer key that starts with `key` can fall inside the byte range; skip it.
    if (composite.length !== key.length + WINDOW_SUFFIX) continue;
    yield { key: windowKeyStart(composite), value: r.value.value };
  }
}

/** Windows of keys in [keyFrom, keyTo] (undefined = open) with start in [timeFrom, timeTo]. */
export function* fetchRangeWindows<V>(
  scan: CompositeScan<V>,
  keyFrom: Buffer | undefined,
  keyTo: Buffer | undefined,
  timeFrom: number,
  timeTo: number,
  minLiveTime: number,
  windowSizeMs: number,
  reverse: boolean,
): Generator<KeyValue<Windowed<Buffer>, V>> {
  if (keyFrom && keyTo && compareBytes(keyFrom, keyTo) > 0) return;
  const from = Math.max(timeFrom, minLiveTime);
  if (from > timeTo) return;
  const low = keyFrom ? (from > 0 ? windowKeyLow(keyFrom, from) : keyFrom) : undefined;
  const high = keyTo ? windowKeyHigh(keyTo, timeTo) : undefined;
  const source = scan(low, high, from, timeTo, reverse);
  for (let r = source.next(); !r.done; r = source.next()) {
    const composite = r.value.key;
    const start = windowKeyStart(composite);
    if (start < from || start > timeTo) continue;
    const key = windowKeyKey(composite);
    if (keyFrom && compareBytes(key, keyFrom) < 0) continue;
    if (keyTo && compareBytes(key, keyTo) > 0) continue;
    yield { key: { key, window: { start, end: start + windowSizeMs } }, value: r.value.value };
  }
}

import { compareBytes } from '../bytes.js';
import type { KeyValue } from '../iterator.js';
import {
  SESSION_SUFFIX,
  sessionKey,
  sessionKeyEnd,
  sessionKeyHigh,
  sessionKeyKey,
  sessionKeyStart,
} from '../keys/session-key-schema.js';
import type { Windowed } from '../window.js';
import type { CompositeScan } from './window-queries.js';

/**
 * Sessions of keys in [keyFrom, keyTo] (a single key when both are the same Buffer) that end at or
 * after `earliestEnd` (clamped to the live range) and start at or before `latestStart`. One range
 * scan per segment from `[key][earliestEnd]` (segments are by end time).
 */
export function* findSessions<V>(
  scan: CompositeScan<V>,
  keyFrom: Buffer | undefined,
  keyTo: Buffer | undefined,
  earliestEnd: number,
  latestStart: number,
  minLiveTime: number,
  reverse: boolean,
): Generator<KeyValue<Windowed<Buffer>, V>> {
  if (keyFrom && keyTo && compareBytes(keyFrom, keyTo) > 0) return;
  const minEnd = Math.max(earliestEnd, minLiveTime);
  // Timestamps are non-negative (negative ones would sort after positive ones as bytes).
  const low = keyFrom ? (minEnd > 0 ? sessionKey(keyFrom, 0, minEnd) : keyFrom) : undefined;
  const high = keyTo ? sessionKeyHigh(keyTo) : undefined;
  const single = keyFrom !== undefined && keyTo !== undefined && compareBytes(keyFrom, keyTo) === 0;
  const source = scan(low, high, minEnd, Number.MAX_SAFE_INTEGER, reverse);
  for (let r = source.next(); !r.done; r = source.next()) {
    const composite = r.value.key;
    if (single && composite.length !== keyFrom.length + SESSION_SUFFIX) continue;
    const end = sessionKeyEnd(composite);
    const start = sessionKeyStart(composite);
    if (end < minEnd || start > latestStart) continue;
    const key = sessionKeyKey(composite);
    if (!single) {
      if (keyFrom && compareBytes(key, keyFrom) < 0) continue;
      if (keyTo && compareBytes(key, keyTo) > 0) continue;
    }
    yield { key: { key, window: { start, end } }, value: r.value.value };
  }
}

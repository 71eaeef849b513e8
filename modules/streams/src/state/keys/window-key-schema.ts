import { readInt64BE, writeInt64BE } from '../bytes.js';
import { type Serde, serializeFramed } from '../serde.js';

/**
 * Binary layout of window store entries, as Kafka Streams' WindowKeySchema:
 * `[key bytes][window start: int64 BE][sequence: int32 BE]`. Key-first, so one key's windows are
 * contiguous and time-ordered inside a segment: fetch(key, from, to) is a single range scan per
 * segment. The sequence number distinguishes duplicates (retainDuplicates, for stream-stream
 * joins); it is 0 otherwise. This is also the changelog key format.
 */
export const WINDOW_SUFFIX = 12;

export function windowKey(key: Buffer, start: number, seq: number): Buffer {
  const out = Buffer.allocUnsafe(key.length + WINDOW_SUFFIX);
  key.copy(out, 0);
  writeInt64BE(out, start, key.length);
  out.writeInt32BE(seq, key.length + 8);
  return out;
}

/** `windowKey(serde.serialize(key), start, seq)` in one buffer (see Serde.serializeInto). */
export function windowKeyOf<K>(serde: Serde<K>, key: K, start: number, seq: number): Buffer {
  const out = serializeFramed(serde, key, 0, WINDOW_SUFFIX);
  const keyLength = out.length - WINDOW_SUFFIX;
  writeInt64BE(out, start, keyLength);
  out.writeInt32BE(seq, keyLength + 8);
  return out;
}

/** Lowest composite for `key` at `start` (sequence 0). */
export function windowKeyLow(key: Buffer, start: number): Buffer {
  return windowKey(key, start, 0);
}

/** Highest composite for `key` at `start` (sequence all ones). */
export function windowKeyHigh(key: Buffer, start: number): Buffer {
  const out = windowKey(key, start, 0);
  out.fill(0xff, out.length - 4);
  return out;
}

export function windowKeyKey(composite: Buffer): Buffer {
  return composite.subarray(0, composite.length - WINDOW_SUFFIX);
}

export function windowKeyStart(composite: Buffer): number {
  return readInt64BE(composite, composite.length - WINDOW_SUFFIX);
}

export function windowKeySeq(composite: Buffer): number {
  return composite.readInt32BE(composite.length - 4);
}

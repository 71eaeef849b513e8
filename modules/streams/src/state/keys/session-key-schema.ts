import { readInt64BE, writeInt64BE } from '../bytes.js';

/**
 * Binary layout of session store entries, as Kafka Streams' SessionKeySchema:
 * `[key bytes][session end: int64 BE][session start: int64 BE]`. Key-first then end time, so the
 * sessions a record may merge with (end ≥ earliest) are one range scan per segment; segments are
 * by end time. Also the changelog key format.
 */
export const SESSION_SUFFIX = 16;

export function sessionKey(key: Buffer, start: number, end: number): Buffer {
  const out = Buffer.allocUnsafe(key.length + SESSION_SUFFIX);
  key.copy(out, 0);
  writeInt64BE(out, end, key.length);
  writeInt64BE(out, start, key.length + 8);
  return out;
}

/** Upper bound for all sessions of `key`: the suffix is all 0xff. */
export function sessionKeyHigh(key: Buffer): Buffer {
  const out = Buffer.alloc(key.length + SESSION_SUFFIX, 0xff);
  key.copy(out, 0);
  return out;
}

export function sessionKeyKey(composite: Buffer): Buffer {
  return composite.subarray(0, composite.length - SESSION_SUFFIX);
}

export function sessionKeyEnd(composite: Buffer): number {
  return readInt64BE(composite, composite.length - SESSION_SUFFIX);
}

export function sessionKeyStart(composite: Buffer): number {
  return readInt64BE(composite, composite.length - 8);
}

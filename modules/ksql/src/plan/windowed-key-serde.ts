import type { Serde, Windowed } from '@meterstream/streams';
import type { GenericKey } from '../schema/logical-schema.js';
import type { WindowInfo } from './planned-stream.js';

/**
 * Kafka Streams' windowed key layouts, which ksqlDB writes for windowed sinks and reads for
 * WINDOW_TYPE sources: time windows `[key bytes][start: int64 BE]` (the end is start + size),
 * session windows `[key bytes][end: int64 BE][start: int64 BE]`.
 */
export function windowedKeySerde(inner: Serde<GenericKey>, window: WindowInfo): Serde<Windowed<GenericKey>> {
  const session = window.type === 'SESSION';
  const size = window.sizeMs ?? 0;
  const suffix = session ? 16 : 8;
  return {
    serialize(k) {
      const key = inner.serialize(k.key);
      const out = Buffer.allocUnsafe(key.length + suffix);
      key.copy(out, 0);
      if (session) {
        out.writeBigInt64BE(BigInt(k.window.end), key.length);
        out.writeBigInt64BE(BigInt(k.window.start), key.length + 8);
      } else {
        out.writeBigInt64BE(BigInt(k.window.start), key.length);
      }
      return out;
    },
    deserialize(data) {
      const keyLen = data.length - suffix;
      if (keyLen < 0) throw new Error(`windowed key too short: ${data.length} bytes`);
      const key = inner.deserialize(data.subarray(0, keyLen));
      if (session) {
        const end = Number(data.readBigInt64BE(keyLen));
        const start = Number(data.readBigInt64BE(keyLen + 8));
        return { key, window: { start, end } };
      }
      const start = Number(data.readBigInt64BE(keyLen));
      return { key, window: { start, end: start + size } };
    },
  };
}

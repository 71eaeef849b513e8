import type { Windowed } from '@meterstream/streams';
import type { GenericKey } from '../schema/logical-schema.js';
import type { KsqlSerde } from './format.js';
import { SerdeError } from './format-properties.js';

/**
 * ksqlDB's windowed keys, as Kafka Streams writes them:
 *   TIME (tumbling / hopping): inner key bytes + window start (8 bytes big-endian);
 *     the end is start + window size (TimeWindowedDeserializer), capped at Long.MAX_VALUE;
 *   SESSION: inner key bytes + window end (8 bytes) + window start (8 bytes) (SessionKeySchema).
 */
export function windowedKeySerde(
  inner: KsqlSerde<GenericKey>,
  windowType: 'TIME' | 'SESSION',
  windowSizeMs?: number,
): KsqlSerde<Windowed<GenericKey>> {
  if (windowType === 'TIME' && windowSizeMs === undefined) {
    throw new Error('a time-windowed key serde needs the window size');
  }
  const suffix = windowType === 'TIME' ? 8 : 16;
  const size = windowSizeMs ?? 0;
  const innerBytes = (data: Buffer): Buffer => data.subarray(0, data.length - suffix);
  const frame = (key: GenericKey): { bytes: Buffer; out: Buffer } => {
    const bytes = inner.serialize(key) ?? Buffer.alloc(0);
    const out = Buffer.allocUnsafe(bytes.length + suffix);
    bytes.copy(out, 0);
    return { bytes, out };
  };
  const serde: KsqlSerde<Windowed<GenericKey>> = {
    serialize(windowed) {
      const { bytes, out } = frame(windowed.key);
      if (windowType === 'TIME') {
        out.writeBigInt64BE(BigInt(windowed.window.start), bytes.length);
      } else {
        out.writeBigInt64BE(BigInt(windowed.window.end), bytes.length);
        out.writeBigInt64BE(BigInt(windowed.window.start), bytes.length + 8);
      }
      return out;
    },
    deserialize(data) {
      if (data.length < suffix) {
        throw new SerdeError(
          `windowed key too short: ${data.length} bytes, the window alone takes ${suffix}`,
        );
      }
      const key = inner.deserialize(innerBytes(data));
      if (windowType === 'TIME') {
        const start = Number(data.readBigInt64BE(data.length - 8));
        // Kafka Streams caps the end at Long.MAX_VALUE; beyond 2^53 numbers are approximate anyway.
        const end = Math.min(start + size, Number.MAX_SAFE_INTEGER);
        return { key, window: { start, end } };
      }
      const end = Number(data.readBigInt64BE(data.length - 16));
      const start = Number(data.readBigInt64BE(data.length - 8));
      return { key, window: { start, end } };
    },
  };
  if (inner.prefetch) {
    const prefetch = inner.prefetch.bind(inner);
    serde.prefetch = (payloads) => {
      const innerPayloads: (Buffer | null)[] = [];
      for (const p of payloads) innerPayloads.push(p && p.length >= suffix ? innerBytes(p) : null);
      return prefetch(innerPayloads);
    };
  }
  return serde;
}

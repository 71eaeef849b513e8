import { DeserializationError, type InvalidRecordReason, type PayloadSource } from '../errors.js';
import type { Serde } from './serde.js';
import { fromWireAt } from './wire.js';

const utf8 = new TextDecoder('utf-8', { fatal: true });

/** `decoder.decode(data)` (a fatal decoder), invalid UTF-8 reported as a DeserializationError of `format`. */
export function decodeUtf8(
  decoder: { decode(data: Uint8Array): string },
  data: Buffer,
  format: string,
  source: PayloadSource | undefined,
  kind?: InvalidRecordReason,
): string {
  try {
    return decoder.decode(data);
  } catch (cause) {
    throw new DeserializationError('invalid UTF-8', format, source, { cause, kind });
  }
}

/** UTF-8 strings; invalid UTF-8 is an error rather than silently replaced characters. */
export const stringSerde: Serde<string> = {
  format: 'string',
  serialize: (value) => Buffer.from(value, 'utf8'),
  serializedSize: (value) => Buffer.byteLength(value, 'utf8'),
  serializeInto: (value, target, offset) => {
    target.write(value, offset, 'utf8');
  },
  deserialize: (data, source) => decodeUtf8(utf8, data, 'string', source),
};

/**
 * JSON through a wire mapping: `toWire` shapes the value for JSON, `fromWire` validates what
 * JSON.parse produced and raises DeserializationError on anything unexpected.
 */
export function jsonSerde<T, W>(
  name: string,
  toWire: (value: T) => W,
  fromWire: (decoded: unknown, format: string) => T,
): Serde<T> {
  const format = `json:${name}`;
  return {
    format,
    serialize: (value) => Buffer.from(JSON.stringify(toWire(value)), 'utf8'),
    deserialize(data: Buffer, source?: PayloadSource) {
      let decoded: unknown;
      try {
        decoded = JSON.parse(data.toString('utf8'));
      } catch (cause) {
        throw new DeserializationError(`invalid JSON: ${(cause as Error).message}`, format, source, {
          cause,
        });
      }
      return fromWireAt(fromWire, decoded, format, source);
    },
  };
}

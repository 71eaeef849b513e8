import type { Column, GenericRow } from '../schema/logical-schema.js';
import { KsqlError } from '../errors.js';
import type { KsqlSerde } from './format.js';
import { describeColumns, type Part, SerdeError } from './format-properties.js';

/**
 * The KAFKA format: one column written with Kafka's own serializers (INT 4 bytes big-endian, BIGINT 8,
 * DOUBLE IEEE-754 8, STRING UTF-8, BYTES as is); no columns at all is a key-less (void) serde.
 */
export function validateKafka(columns: readonly Pick<Column, 'name' | 'type'>[], part: Part): void {
  if (columns.length > 1) {
    throw new KsqlError(
      `The 'KAFKA' format only supports a single field. Got: ${describeColumns(columns, part)}`,
    );
  }
  if (columns.length === 1) {
    const base = columns[0].type.base;
    if (!KAFKA_TYPES.has(base)) throw new KsqlError(`The 'KAFKA' format does not support type '${base}'`);
  }
}

const KAFKA_TYPES = new Set(['INTEGER', 'BIGINT', 'DOUBLE', 'STRING', 'BYTES']);

export function kafkaSerde(
  columns: readonly Pick<Column, 'name' | 'type'>[],
  part: Part,
  topic: string,
): KsqlSerde<GenericRow> {
  validateKafka(columns, part);
  if (columns.length === 0) return voidSerde();
  const failed = (cause: Error) =>
    new SerdeError(`Error deserializing KAFKA message from topic: ${topic}`, { cause });
  const fixed = (
    size: number,
    name: string,
    write: (b: Buffer, v: number, o: number) => void,
    read: (b: Buffer) => unknown,
  ) =>
    withNulls({
      serialize: (row) => {
        const out = Buffer.allocUnsafe(size);
        write(out, row[0] as number, 0);
        return out;
      },
      serializedSize: () => size,
      serializeInto: (row, target, offset) => write(target, row[0] as number, offset),
      deserialize: (data) => {
        if (data.length !== size) throw failed(new Error(`Size of data received by ${name} is not ${size}`));
        return [read(data)];
      },
    });
  switch (columns[0].type.base) {
    case 'INTEGER':
      return fixed(
        4,
        'IntegerDeserializer',
        (b, v, o) => b.writeInt32BE(v, o),
        (b) => b.readInt32BE(0),
      );
    case 'BIGINT':
      return fixed(
        8,
        'LongDeserializer',
        (b, v, o) => b.writeBigInt64BE(BigInt(v), o),
        (b) => Number(b.readBigInt64BE(0)),
      );
    case 'DOUBLE':
      return fixed(
        8,
        'DoubleDeserializer',
        (b, v, o) => b.writeDoubleBE(v, o),
        (b) => b.readDoubleBE(0),
      );
    case 'STRING':
      return withNulls({
        serialize: (row) => Buffer.from(row[0] as string, 'utf8'),
        serializedSize: (row) => Buffer.byteLength(row[0] as string, 'utf8'),
        serializeInto: (row, target, offset) => {
          target.write(row[0] as string, offset, 'utf8');
        },
        deserialize: (data) => [data.toString('utf8')],
      });
    default:
      // BYTES: a copy, so the row does not alias a buffer the consumer may reuse.
      return withNulls({
        serialize: (row) => row[0] as Buffer,
        deserialize: (data) => [Buffer.from(data)],
      });
  }
}

/**
 * Kafka's serializers write a null as a null payload (a tombstone), so a row whose only column is
 * null serializes to null, as in ksqlDB; inside a framed (windowed) key it takes no bytes.
 */
function withNulls(serde: KsqlSerde<GenericRow>): KsqlSerde<GenericRow> {
  const { serialize, serializedSize, serializeInto } = serde;
  return {
    serialize: (row) =>
      row[0] === null || row[0] === undefined ? (null as unknown as Buffer) : serialize(row),
    deserialize: serde.deserialize,
    ...(serializedSize && serializeInto
      ? {
          serializedSize: (row: GenericRow) => (row[0] == null ? 0 : serializedSize(row)),
          serializeInto: (row: GenericRow, target: Buffer, offset: number) => {
            if (row[0] != null) serializeInto(row, target, offset);
          },
        }
      : {}),
  };
}

/**
 * No columns (ksqlDB's KsqlVoidSerde): the payload is ignored and read as an empty row. Key-less
 * records carry a null key, which never reaches a serde; serializing writes no bytes.
 */
export function voidSerde(): KsqlSerde<GenericRow> {
  const empty = Buffer.alloc(0);
  return { serialize: () => empty, deserialize: () => [] };
}

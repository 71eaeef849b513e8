import { describe, expect, it } from 'vitest';
import { decodeAvroJson, encodeAvroJson } from '../../src/format/avro-json.js';
import { avroSchemaOf } from '../../src/format/avro-schema.js';
import { SqlTypes as T } from '../../src/types/sql-type.js';
import { valueColumns } from './helpers.js';

describe('Avro ↔ JSON through any schema (test data)', () => {
  it("writes JSON with a test's own schema: required fields, logical types, lower-case names", () => {
    const schema = JSON.stringify({
      type: 'record',
      name: 'blah',
      fields: [
        { name: 'c1', type: { type: 'int', logicalType: 'time-millis' } },
        { name: 'd', type: { type: 'bytes', logicalType: 'decimal', precision: 4, scale: 2 } },
      ],
    });
    // time-millis 10 → zig-zag 20 (0x14); decimal 1.5 at scale 2 → unscaled 150 → bytes 00 96.
    expect(encodeAvroJson(schema, { C1: 10, d: 1.5 }).toString('hex')).toBe('14' + '04' + '0096');
    expect(decodeAvroJson(schema, Buffer.from('14040096', 'hex'))).toEqual({ c1: 10, d: 1.5 });
  });

  it("round-trips ksqlDB's derived schemas: optional fields, map entries, nested records, bytes", () => {
    const schema = JSON.stringify(
      avroSchemaOf(
        valueColumns(
          ['M', T.map(T.STRING, T.INTEGER)],
          ['S', T.struct([{ name: 'A', type: T.array(T.BYTES) }])],
          ['N', T.STRING],
        ),
        true,
        'io.confluent.ksql.avro_schemas.KsqlDataSourceSchema',
      ),
    );
    const json = { M: { k1: 1, k2: null }, S: { A: ['YWJj', null] }, N: null };
    expect(decodeAvroJson(schema, encodeAvroJson(schema, json))).toEqual(json);
  });

  it('handles unions avsc wraps (members of one shape) and ones it does not', () => {
    const schema = JSON.stringify({
      type: 'record',
      name: 'r',
      fields: [
        { name: 'a', type: ['null', 'string', { type: 'enum', name: 'E', symbols: ['X'] }] },
        { name: 'b', type: ['null', 'int', 'string'] },
      ],
    });
    // a: the first member that takes a string is `string` (branch 1); b: int (branch 1).
    const bytes = encodeAvroJson(schema, { a: 'hi', b: 3 });
    expect(bytes.toString('hex')).toBe('02046869' + '0206');
    expect(decodeAvroJson(schema, bytes)).toEqual({ a: 'hi', b: 3 });
  });

  it('names the path of data the schema cannot take', () => {
    const schema =
      '{"type":"record","name":"r","fields":[{"name":"a","type":{"type":"array","items":"int"}}]}';
    expect(() => encodeAvroJson(schema, { a: [1, 'x'] })).toThrow('cannot write "x" as Avro int at $.a[1]');
  });
});

import { describe, expect, it } from 'vitest';
import { createFormats } from '../../src/format/formats.js';
import { InMemorySchemaRegistry } from '../../src/format/schema-registry.js';
import { SqlTypes as T } from '../../src/types/sql-type.js';
import { Decimal } from '../../src/values/decimal.js';
import { keyColumns, valueColumns } from './helpers.js';

const formats = createFormats(new InMemorySchemaRegistry());
const JSON_FORMAT = { name: 'JSON' as const, properties: {} };
const ctx = { topic: 'orders' };
const text = (b: Buffer) => b.toString('utf8');

const ALL_TYPES = valueColumns(
  ['B', T.BOOLEAN],
  ['I', T.INTEGER],
  ['L', T.BIGINT],
  ['D', T.DOUBLE],
  ['DEC', T.decimal(6, 3)],
  ['S', T.STRING],
  ['BY', T.BYTES],
  ['DT', T.DATE],
  ['TM', T.TIME],
  ['TS', T.TIMESTAMP],
  ['A', T.array(T.INTEGER)],
  ['M', T.map(T.STRING, T.DOUBLE)],
  [
    'ST',
    T.struct([
      { name: 'x', type: T.STRING },
      { name: 'Y', type: T.struct([{ name: 'Z', type: T.BIGINT }]) },
    ]),
  ],
);

const ROW = [
  true,
  -7,
  1234567890123,
  2,
  new Decimal(12345n, 3),
  'a "quoted" ü',
  Buffer.from('abc'),
  19000,
  3_600_000,
  1_600_000_000_000,
  [1, null, 3],
  new Map<unknown, unknown>([
    ['k', 0.5],
    ['n', null],
  ]),
  { x: 'in', Y: { Z: 9 } },
];

describe('JSON format: writing', () => {
  it("writes an object with the exact column names, in Jackson's compact notation", async () => {
    const serde = await formats.valueSerde(JSON_FORMAT, ALL_TYPES, ctx);
    expect(text(serde.serialize(ROW))).toBe(
      '{"B":true,"I":-7,"L":1234567890123,"D":2.0,"DEC":12.345,"S":"a \\"quoted\\" ü","BY":"YWJj","DT":19000,' +
        '"TM":3600000,"TS":1600000000000,"A":[1,null,3],"M":{"k":0.5,"n":null},"ST":{"x":"in","Y":{"Z":9}}}',
    );
  });

  it('round-trips every type', async () => {
    const serde = await formats.valueSerde(JSON_FORMAT, ALL_TYPES, ctx);
    expect(serde.deserialize(serde.serialize(ROW))).toEqual(ROW);
    const nulls = ALL_TYPES.map(() => null);
    expect(text(serde.serialize(nulls))).toContain('"B":null');
    expect(serde.deserialize(serde.serialize(nulls))).toEqual(nulls);
  });

  it('writes decimals with their exact digits and trailing zeros', async () => {
    const serde = await formats.valueSerde(JSON_FORMAT, valueColumns(['V', T.decimal(30, 4)]), ctx);
    expect(text(serde.serialize([new Decimal(12345678901234567890123450000n, 4)]))).toBe(
      '{"V":1234567890123456789012345.0000}',
    );
    expect(serde.deserialize(Buffer.from('{"V":1234567890123456789012345.1234}'))[0]).toEqual(
      new Decimal(12345678901234567890123451234n, 4),
    );
  });

  it('unwraps a single value with WRAP_SINGLE_VALUE=false, and a single key by default', async () => {
    const value = await formats.valueSerde(JSON_FORMAT, valueColumns(['ID', T.BIGINT]), {
      topic: 't',
      wrapSingleValue: false,
    });
    expect(text(value.serialize([10]))).toBe('10');
    expect(value.deserialize(Buffer.from('10'))).toEqual([10]);
    const wrappedValue = await formats.valueSerde(JSON_FORMAT, valueColumns(['ID', T.BIGINT]), ctx);
    expect(text(wrappedValue.serialize([10]))).toBe('{"ID":10}');
    const key = await formats.keySerde(JSON_FORMAT, keyColumns(['K', T.STRING]), ctx);
    expect(text(key.serialize(['a']))).toBe('"a"');
    const multiKey = await formats.keySerde(
      JSON_FORMAT,
      keyColumns(['K1', T.INTEGER], ['K2', T.STRING]),
      ctx,
    );
    expect(text(multiKey.serialize([1, 'b']))).toBe('{"K1":1,"K2":"b"}');
    expect(multiKey.deserialize(Buffer.from('{"k2":"x","k1":2}'))).toEqual([2, 'x']);
  });

  it('writes an unwrapped null as a null payload', async () => {
    const value = await formats.valueSerde(JSON_FORMAT, valueColumns(['ID', T.BIGINT]), {
      topic: 't',
      wrapSingleValue: false,
    });
    expect(value.serialize([null])).toBeNull();
  });

  it('rejects WRAP_SINGLE_VALUE with several columns', async () => {
    await expect(
      formats.valueSerde(JSON_FORMAT, valueColumns(['A', T.INTEGER], ['B', T.INTEGER]), {
        topic: 't',
        wrapSingleValue: false,
      }),
    ).rejects.toThrow("'WRAP_SINGLE_VALUE' is only valid for single-field value schemas");
  });

  it('rejects format properties JSON does not take', () => {
    expect(() =>
      formats.validate(
        { name: 'JSON', properties: { VALUE_DELIMITER: '|' } },
        valueColumns(['A', T.INTEGER]),
        'value',
      ),
    ).toThrow('JSON does not support the following configs: [delimiter]');
    expect(() =>
      formats.validate(
        { name: 'JSON', properties: { VALUE_AVRO_SCHEMA_FULL_NAME: 'a.B' } },
        valueColumns(['A', T.INTEGER]),
        'value',
      ),
    ).toThrow('JSON does not support the following configs: [fullSchemaName]');
    // A key delimiter is not the value's business.
    expect(() =>
      formats.validate(
        { name: 'JSON', properties: { KEY_DELIMITER: '|' } },
        valueColumns(['A', T.INTEGER]),
        'value',
      ),
    ).not.toThrow();
  });

  it('rejects maps with non-STRING keys', () => {
    expect(() =>
      formats.validate(JSON_FORMAT, valueColumns(['M', T.map(T.INTEGER, T.STRING)]), 'value'),
    ).toThrow('JSON only supports MAP types with STRING keys');
  });
});

describe('JSON format: reading', () => {
  it('matches field names case-insensitively (exact name first)', async () => {
    const serde = await formats.valueSerde(
      JSON_FORMAT,
      valueColumns(['ID', T.BIGINT], ['name', T.STRING], ['AGE', T.INTEGER]),
      ctx,
    );
    expect(serde.deserialize(Buffer.from('{"id":120,"name":"bob","Age":"49"}'))).toEqual([120, 'bob', 49]);
    // A quoted lower-case column only matches its exact name.
    expect(serde.deserialize(Buffer.from('{"ID":1,"NAME":"x"}'))).toEqual([1, null, null]);
    expect(serde.deserialize(Buffer.from('{"ID":1,"ID":2}'))).toEqual([2, null, null]);
  });

  it('does not take a column named like an Object.prototype member from the prototype', async () => {
    const serde = await formats.valueSerde(
      JSON_FORMAT,
      valueColumns(['constructor', T.STRING], ['A', T.INTEGER]),
      ctx,
    );
    expect(serde.deserialize(Buffer.from('{"A":1}'))).toEqual([null, 1]);
    expect(serde.deserialize(Buffer.from('{"constructor":"c"}'))).toEqual(['c', null]);
  });

  it('matches nested struct fields case-insensitively too', async () => {
    const serde = await formats.valueSerde(
      JSON_FORMAT,
      valueColumns(['S', T.struct([{ name: 'F1', type: T.INTEGER }])]),
      ctx,
    );
    expect(serde.deserialize(Buffer.from('{"s":{"f1":3}}'))).toEqual([{ F1: 3 }]);
  });

  it('coerces as ksqlDB does: numeric strings, fractions into integers, numbers into strings', async () => {
    const serde = await formats.valueSerde(
      JSON_FORMAT,
      valueColumns(
        ['I', T.INTEGER],
        ['L', T.BIGINT],
        ['D', T.DOUBLE],
        ['S', T.STRING],
        ['DEC', T.decimal(4, 2)],
        ['A', T.STRING],
      ),
      ctx,
    );
    expect(
      serde.deserialize(Buffer.from('{"I":"12","L":3.9,"D":"1e3","S":12,"DEC":"1.5","A":["a",1]}')),
    ).toEqual([12, 3, 1000, '12', new Decimal(150n, 2), '[a, 1]']);
    expect(serde.deserialize(Buffer.from('{"S":{"a":[1,true]}}'))[3]).toBe('{"a":[1,true]}');
  });

  it('reads a JSON null payload as a null row (a tombstone)', async () => {
    const serde = await formats.valueSerde(JSON_FORMAT, valueColumns(['A', T.INTEGER]), ctx);
    expect(serde.deserialize(Buffer.from('null'))).toBeNull();
  });

  it('names the topic, the reason and the path in errors', async () => {
    const serde = await formats.valueSerde(
      JSON_FORMAT,
      valueColumns(['A', T.INTEGER], ['B', T.array(T.BOOLEAN)]),
      ctx,
    );
    expect(() => serde.deserialize(Buffer.from('{"A":"x"}'))).toThrow(
      "Failed to deserialize value from topic: orders. Can't coerce string to type. targetType: INTEGER, path: $.A",
    );
    expect(() => serde.deserialize(Buffer.from('{"B":[true,"no"]}'))).toThrow(
      "Can't convert type. sourceType: TextNode, requiredType: BOOLEAN, path: $.B[1]",
    );
    expect(() => serde.deserialize(Buffer.from('[1]'))).toThrow(
      /sourceType: ArrayNode, requiredType: STRUCT<`A` INT, `B` ARRAY<BOOLEAN>>/,
    );
    expect(() => serde.deserialize(Buffer.from('{bad'))).toThrow(
      /Failed to deserialize value from topic: orders/,
    );
  });

  it('refuses decimals that do not fit their type', async () => {
    const serde = await formats.valueSerde(JSON_FORMAT, valueColumns(['D', T.decimal(3, 1)]), ctx);
    expect(() => serde.deserialize(Buffer.from('{"D":123.4}'))).toThrow(
      'Numeric field overflow: A field with precision 3 and scale 1 must round to an absolute value less than 10^2. Got 123.4',
    );
    expect(() => serde.deserialize(Buffer.from('{"D":1.25}'))).toThrow(
      "Cannot fit decimal '1.25' into DECIMAL(3, 1) without rounding. (Requires 3,2)",
    );
  });

  it('refuses TIME outside a day and invalid base64', async () => {
    const serde = await formats.valueSerde(JSON_FORMAT, valueColumns(['T', T.TIME], ['B', T.BYTES]), ctx);
    expect(() => serde.deserialize(Buffer.from('{"T":-1}'))).toThrow(
      /Time values must use number of milliseconds/,
    );
    expect(() => serde.deserialize(Buffer.from('{"B":"%%"}'))).toThrow(
      'Value is not a valid Base64 encoded string: %%',
    );
  });
});

import avro from 'avsc';
import { describe, expect, it } from 'vitest';
import { avroKeySchemaName, avroSchemaOf } from '../../src/format/avro-schema.js';
import { createFormats } from '../../src/format/formats.js';
import { InMemorySchemaRegistry } from '../../src/format/schema-registry.js';
import { SqlTypes as T } from '../../src/types/sql-type.js';
import { Decimal } from '../../src/values/decimal.js';
import { hex, keyColumns, valueColumns } from './helpers.js';

const AVRO = { name: 'AVRO' as const, properties: {} };
const NS = 'io.confluent.ksql.avro_schemas';

function setup() {
  const registry = new InMemorySchemaRegistry();
  return { registry, formats: createFormats(registry) };
}

describe('Avro schema derived from columns', () => {
  it('names records after their path, makes everything optional and writes maps as entry arrays', () => {
    const schema = avroSchemaOf(
      valueColumns(
        ['ID', T.BIGINT],
        ['PRICE', T.decimal(4, 2)],
        [
          'ADDRESS',
          T.struct([
            { name: 'STREET', type: T.STRING },
            { name: 'AT', type: T.TIMESTAMP },
          ]),
        ],
        ['TAGS', T.map(T.STRING, T.INTEGER)],
      ),
      true,
      `${NS}.KsqlDataSourceSchema`,
    );
    expect(schema).toEqual({
      type: 'record',
      name: 'KsqlDataSourceSchema',
      namespace: NS,
      fields: [
        { name: 'ID', type: ['null', 'long'], default: null },
        {
          name: 'PRICE',
          type: [
            'null',
            {
              type: 'bytes',
              scale: 2,
              precision: 4,
              'connect.version': 1,
              'connect.parameters': { scale: '2', 'connect.decimal.precision': '4' },
              'connect.name': 'org.apache.kafka.connect.data.Decimal',
              logicalType: 'decimal',
            },
          ],
          default: null,
        },
        {
          name: 'ADDRESS',
          type: [
            'null',
            {
              type: 'record',
              name: 'KsqlDataSourceSchema_ADDRESS',
              fields: [
                { name: 'STREET', type: ['null', 'string'], default: null },
                {
                  name: 'AT',
                  type: [
                    'null',
                    {
                      type: 'long',
                      'connect.version': 1,
                      'connect.name': 'org.apache.kafka.connect.data.Timestamp',
                      logicalType: 'timestamp-millis',
                    },
                  ],
                  default: null,
                },
              ],
              'connect.name': `${NS}.KsqlDataSourceSchema_ADDRESS`,
            },
          ],
          default: null,
        },
        {
          name: 'TAGS',
          type: [
            'null',
            {
              type: 'array',
              items: {
                type: 'record',
                name: 'KsqlDataSourceSchema_TAGS',
                fields: [
                  { name: 'key', type: ['null', 'string'], default: null },
                  { name: 'value', type: ['null', 'int'], default: null },
                ],
                'connect.internal.type': 'MapEntry',
              },
              'connect.name': `${NS}.KsqlDataSourceSchema_TAGS`,
            },
          ],
          default: null,
        },
      ],
      'connect.name': `${NS}.KsqlDataSourceSchema`,
    });
    // avsc (like Avro Java) accepts it.
    expect(() => avro.Type.forSchema(schema as avro.Schema)).not.toThrow();
  });

  it('leaves an unwrapped root non-optional', () => {
    expect(avroSchemaOf(keyColumns(['K', T.INTEGER]), false, `${NS}.KsqlDataSourceSchema`)).toBe('int');
    expect(avroSchemaOf(keyColumns(['K', T.DATE]), false, `${NS}.KsqlDataSourceSchema`)).toEqual({
      type: 'int',
      'connect.name': 'org.apache.kafka.connect.data.Date',
      logicalType: 'date',
    });
  });

  it('names key schemas after the source as ksqlDB does', () => {
    expect(avroKeySchemaName('OUTPUT')).toBe(`${NS}.OutputKey`);
    expect(avroKeySchemaName('MY_TABLE')).toBe(`${NS}.MyTableKey`);
  });

  it('rejects column and field names Avro cannot hold, and a blank full name', () => {
    const { formats } = setup();
    expect(() => formats.validate(AVRO, valueColumns(['1Bad', T.DOUBLE]), 'value')).toThrow(
      'Schema is not compatible with Avro: Illegal initial character: 1Bad',
    );
    expect(() =>
      formats.validate(AVRO, valueColumns(['S', T.struct([{ name: 'a-b', type: T.INTEGER }])]), 'value'),
    ).toThrow('Schema is not compatible with Avro: Illegal character in: a-b');
    // Dots become underscores, as ksqlDB writes qualified names.
    expect(() => formats.validate(AVRO, valueColumns(['T.ID', T.INTEGER]), 'value')).not.toThrow();
    expect(() =>
      formats.validate(
        { name: 'AVRO', properties: { VALUE_AVRO_SCHEMA_FULL_NAME: ' ' } },
        valueColumns(['A', T.INTEGER]),
        'value',
      ),
    ).toThrow('fullSchemaName cannot be empty. Format configuration: {fullSchemaName=}');
  });

  it('rejects maps with non-STRING keys', () => {
    expect(() => avroSchemaOf(valueColumns(['M', T.map(T.INTEGER, T.INTEGER)]), true, 'X')).toThrow(
      'Avro only supports MAPs with STRING keys',
    );
  });
});

describe('AVRO serde', () => {
  it('writes Confluent framing: magic 0, the registered id, then Avro binary', async () => {
    const { registry, formats } = setup();
    registry.registerSync('other-value', { schemaType: 'AVRO', schema: '"string"' }); // takes id 1
    const serde = await formats.valueSerde(AVRO, valueColumns(['I', T.INTEGER]), {
      topic: 't',
      registerSchema: true,
    });
    const latest = await registry.latest('t-value');
    expect(latest?.id).toBe(2);
    expect(JSON.parse(latest!.schema.schema).name).toBe('KsqlDataSourceSchema');
    // union branch 1 (zig-zag 2), int 1 (zig-zag 2)
    expect(hex(serde.serialize([1]))).toBe('00' + '00000002' + '02' + '02');
    expect(hex(serde.serialize([null]))).toBe('00' + '00000002' + '00');
  });

  it('round-trips every type', async () => {
    const { formats } = setup();
    const columns = valueColumns(
      ['B', T.BOOLEAN],
      ['I', T.INTEGER],
      ['L', T.BIGINT],
      ['D', T.DOUBLE],
      ['DEC', T.decimal(10, 3)],
      ['S', T.STRING],
      ['BY', T.BYTES],
      ['DT', T.DATE],
      ['TM', T.TIME],
      ['TS', T.TIMESTAMP],
      ['A', T.array(T.STRING)],
      ['M', T.map(T.STRING, T.decimal(4, 1))],
      ['ST', T.struct([{ name: 'X', type: T.struct([{ name: 'Y', type: T.INTEGER }]) }])],
    );
    const serde = await formats.valueSerde(AVRO, columns, { topic: 'all', registerSchema: true });
    const row = [
      false,
      -5,
      1234567890123,
      -0.25,
      new Decimal(-1234567n, 3),
      'ü',
      Buffer.from([0, 255]),
      -3,
      86_399_999,
      1,
      ['a', null],
      new Map<unknown, unknown>([
        ['k', new Decimal(15n, 1)],
        ['z', null],
      ]),
      { X: { Y: 7 } },
    ];
    expect(serde.deserialize(serde.serialize(row))).toEqual(row);
    const nulls = columns.map(() => null);
    expect(serde.deserialize(serde.serialize(nulls))).toEqual(nulls);
  });

  it('unwraps single keys, and single values with WRAP_SINGLE_VALUE=false', async () => {
    const { registry, formats } = setup();
    const key = await formats.keySerde(AVRO, keyColumns(['K', T.STRING]), {
      topic: 'k',
      registerSchema: true,
    });
    expect((await registry.latest('k-key'))?.schema.schema).toBe('"string"');
    expect(hex(key.serialize(['a']))).toBe('00000000010261');
    expect(key.deserialize(key.serialize(['a']))).toEqual(['a']);
    const value = await formats.valueSerde(AVRO, valueColumns(['V', T.BIGINT]), {
      topic: 'k',
      registerSchema: true,
      wrapSingleValue: false,
    });
    expect((await registry.latest('k-value'))?.schema.schema).toBe('"long"');
    expect(value.serialize([null])).toBeNull();
    expect(value.deserialize(value.serialize([300]))).toEqual([300]);
  });

  it('reads and writes longs beyond 2^53 as (approximate) numbers, as every BIGINT', async () => {
    const { formats } = setup();
    const serde = await formats.valueSerde(AVRO, valueColumns(['L', T.BIGINT]), {
      topic: 'l',
      registerSchema: true,
    });
    expect(hex(serde.serialize([1]).subarray(5))).toBe('0202');
    expect(serde.deserialize(serde.serialize([2 ** 60]))).toEqual([2 ** 60]);
    // Long.MAX_VALUE as a number is 2^63, one past the range: written as Long.MAX_VALUE.
    const max = serde.serialize([2 ** 63]);
    expect(hex(max.subarray(5))).toBe('02' + 'feffffffffffffffff01');
    expect(serde.deserialize(max)).toEqual([2 ** 63]);
  });

  it('serializes records larger than its scratch buffer', async () => {
    const { formats } = setup();
    const serde = await formats.valueSerde(AVRO, valueColumns(['S', T.STRING], ['N', T.INTEGER]), {
      topic: 'big',
      registerSchema: true,
    });
    const row = ['x'.repeat(5000), 3];
    const bytes = serde.serialize(row);
    expect(bytes.length).toBe(5 + 1 + 2 + 5000 + 1 + 1);
    expect(serde.deserialize(bytes)).toEqual(row);
    expect(serde.deserialize(serde.serialize(['small', 1]))).toEqual(['small', 1]);
  });

  it('writes with the schema named by VALUE_SCHEMA_ID, matching its fields to the columns', async () => {
    const { registry, formats } = setup();
    const physical = {
      type: 'record',
      name: 'Physical',
      fields: [
        { name: 'extra', type: ['null', 'string'], default: null },
        { name: 'id', type: ['null', 'long'], default: null },
      ],
    };
    const id = registry.registerSync('p-value', { schemaType: 'AVRO', schema: JSON.stringify(physical) });
    const serde = await formats.valueSerde(
      { name: 'AVRO', properties: { VALUE_SCHEMA_ID: String(id) } },
      valueColumns(['ID', T.BIGINT]),
      { topic: 'p', registerSchema: true },
    );
    const bytes = serde.serialize([42]);
    expect(bytes.readInt32BE(1)).toBe(id);
    expect(
      avro.Type.forSchema(physical as avro.Schema, { wrapUnions: false }).fromBuffer(bytes.subarray(5)),
    ).toEqual({
      extra: null,
      id: 42,
    });
    expect(serde.deserialize(bytes)).toEqual([42]);
    // Nothing was registered besides the schema given.
    expect(registry.listSubjects().get('p-value')).toEqual([id]);
  });

  it("converts nested values to the VALUE_SCHEMA_ID schema's shapes, filling defaults for nulls", async () => {
    const { registry, formats } = setup();
    const physical = {
      type: 'record',
      name: 'Order',
      namespace: 'shop',
      fields: [
        { name: 'ref', type: 'string' },
        {
          name: 'detail',
          type: {
            type: 'record',
            name: 'Detail',
            fields: [
              { name: 'qty', type: 'int', default: 1 },
              { name: 'tags', type: { type: 'map', values: 'string' } },
            ],
          },
        },
      ],
    };
    const id = registry.registerSync('o-value', { schemaType: 'AVRO', schema: JSON.stringify(physical) });
    const serde = await formats.valueSerde(
      { name: 'AVRO', properties: { VALUE_SCHEMA_ID: String(id) } },
      valueColumns(
        ['REF', T.STRING],
        [
          'DETAIL',
          T.struct([
            { name: 'QTY', type: T.INTEGER },
            { name: 'TAGS', type: T.map(T.STRING, T.STRING) },
          ]),
        ],
      ),
      { topic: 'o', registerSchema: true },
    );
    const bytes = serde.serialize(['r1', { QTY: null, TAGS: new Map([['a', 'b']]) }]);
    const decoded = avro.Type.forSchema(physical as avro.Schema).fromBuffer(bytes.subarray(5));
    expect(JSON.parse(JSON.stringify(decoded))).toEqual({ ref: 'r1', detail: { qty: 1, tags: { a: 'b' } } });
    expect(serde.deserialize(bytes)).toEqual(['r1', { QTY: 1, TAGS: new Map([['a', 'b']]) }]);
  });

  it('uses *_SCHEMA_FULL_NAME for the record name', async () => {
    const { registry, formats } = setup();
    await formats.keySerde(
      { name: 'AVRO', properties: { KEY_SCHEMA_FULL_NAME: `${NS}.OutputKey` } },
      keyColumns(['A', T.INTEGER], ['B', T.STRING]),
      { topic: 'o', registerSchema: true },
    );
    const schema = JSON.parse((await registry.latest('o-key'))!.schema.schema);
    expect([schema.name, schema.namespace, schema['connect.name']]).toEqual([
      'OutputKey',
      NS,
      `${NS}.OutputKey`,
    ]);
  });

  it('reads with the writer schema of each payload: fields matched case-insensitively, widened, extra fields skipped', async () => {
    const { registry, formats } = setup();
    const writer = {
      type: 'record',
      name: 'Reading',
      namespace: 'com.acme',
      fields: [
        { name: 'id', type: 'int' },
        { name: 'name', type: 'string' },
        { name: 'ignored', type: 'boolean' },
        { name: 'ratio', type: 'float' },
        { name: 'tags', type: { type: 'map', values: 'long' } },
        { name: 'count', type: 'long' },
      ],
    };
    const writerId = registry.registerSync('r-value', { schemaType: 'AVRO', schema: JSON.stringify(writer) });
    const serde = await formats.valueSerde(
      AVRO,
      valueColumns(
        ['ID', T.BIGINT],
        ['NAME', T.STRING],
        ['RATIO', T.DOUBLE],
        ['TAGS', T.map(T.STRING, T.BIGINT)],
        ['COUNT', T.STRING],
        ['MISSING', T.INTEGER],
      ),
      { topic: 'r' },
    );
    const body = avro.Type.forSchema(writer as avro.Schema).toBuffer({
      id: 7,
      name: 'n',
      ignored: true,
      ratio: 0.5,
      tags: { a: 1 },
      count: 12,
    });
    const payload = Buffer.concat([Buffer.from([0, 0, 0, 0, writerId]), body]);
    expect(() => serde.deserialize(payload)).toThrow(
      `Schema ${writerId} not fetched from the Schema Registry`,
    );
    await serde.prefetch?.([payload, null]);
    expect(serde.deserialize(payload)).toEqual([7, 'n', 0.5, new Map([['a', 1]]), '12', null]);
  });

  it('fails records whose writer type the column cannot take, naming the path', async () => {
    const { registry, formats } = setup();
    const writer = { type: 'record', name: 'W', fields: [{ name: 'A', type: 'string' }] };
    const id = registry.registerSync('x-value', { schemaType: 'AVRO', schema: JSON.stringify(writer) });
    const serde = await formats.valueSerde(AVRO, valueColumns(['A', T.INTEGER]), { topic: 'x' });
    const payload = Buffer.concat([
      Buffer.from([0, 0, 0, 0, id]),
      avro.Type.forSchema(writer as avro.Schema).toBuffer({ A: 'x' }),
    ]);
    await serde.prefetch?.([payload]);
    expect(() => serde.deserialize(payload)).toThrow(
      'Cannot deserialize type string as type int32 for path: ->A',
    );
    expect(() => serde.deserialize(Buffer.from([1, 2, 3]))).toThrow(/Unknown magic byte/);
  });
});

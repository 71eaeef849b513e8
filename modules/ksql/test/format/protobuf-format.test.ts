import protobuf from 'protobufjs';
import { describe, expect, it } from 'vitest';
import type { FormatInfo } from '../../src/format/format.js';
import { createFormats } from '../../src/format/formats.js';
import { InMemorySchemaRegistry } from '../../src/format/schema-registry.js';
import { SqlTypes as T } from '../../src/types/sql-type.js';
import { Decimal } from '../../src/values/decimal.js';
import { hex, keyColumns, valueColumns } from './helpers.js';

const PROTOBUF: FormatInfo = { name: 'PROTOBUF', properties: {} };
const NOSR: FormatInfo = { name: 'PROTOBUF_NOSR', properties: {} };

function setup() {
  const registry = new InMemorySchemaRegistry();
  return { registry, formats: createFormats(registry) };
}

const ALL_TYPES = valueColumns(
  ['B', T.BOOLEAN],
  ['I', T.INTEGER],
  ['L', T.BIGINT],
  ['D', T.DOUBLE],
  ['S', T.STRING],
  ['RAW', T.BYTES],
  ['DEC', T.decimal(5, 2)],
  ['DAY', T.DATE],
  ['CLOCK', T.TIME],
  ['AT', T.TIMESTAMP],
  ['XS', T.array(T.STRING)],
  ['M', T.map(T.STRING, T.BIGINT)],
  [
    'ST',
    T.struct([
      { name: 'N', type: T.INTEGER },
      { name: 'INNER', type: T.struct([{ name: 'Q', type: T.decimal(3, 1) }]) },
      { name: 'TAGS', type: T.map(T.STRING, T.array(T.DOUBLE)) },
    ]),
  ],
);

const FULL_ROW = [
  true,
  -7,
  9_007_199_254_740_991,
  -2.5,
  'héllo',
  Buffer.from([0, 1, 255]),
  new Decimal(-12345n, 2),
  19_000,
  45_296_789,
  1_700_000_000_123,
  ['a', '', 'c'],
  new Map<unknown, unknown>([
    ['x', 1],
    ['', -2],
  ]),
  {
    N: 3,
    INNER: { Q: new Decimal(15n, 1) },
    TAGS: new Map<unknown, unknown>([['t', [1.5, 0]]]),
  },
];

describe('PROTOBUF serde (Schema Registry)', () => {
  it('round-trips every type', async () => {
    const { formats } = setup();
    const serde = await formats.valueSerde(PROTOBUF, ALL_TYPES, { topic: 't', registerSchema: true });
    expect(serde.deserialize(serde.serialize(FULL_ROW))).toEqual(FULL_ROW);
  });

  it('frames payloads as magic byte, schema id, message indexes [0], then the binary', async () => {
    const { formats, registry } = setup();
    registry.registerSync('other-value', { schemaType: 'AVRO', schema: '"string"' });
    const serde = await formats.valueSerde(PROTOBUF, valueColumns(['ID', T.BIGINT], ['NAME', T.STRING]), {
      topic: 't',
      registerSchema: true,
    });
    // id 2; field 1 varint 1; field 2 length-delimited "a"
    expect(hex(serde.serialize([1, 'a']))).toBe('00' + '00000002' + '00' + '0801' + '120161');
    // proto3 leaves fields at their defaults out, as Java's serializer does
    expect(hex(serde.serialize([0, '']))).toBe('000000000200');
    expect(hex(serde.serialize([null, null]))).toBe('000000000200');
  });

  it('registers the derived schema text under <topic>-value and <topic>-key', async () => {
    const { formats, registry } = setup();
    await formats.valueSerde(PROTOBUF, valueColumns(['A', T.INTEGER]), {
      topic: 'orders',
      registerSchema: true,
    });
    await formats.keySerde(PROTOBUF, keyColumns(['K', T.STRING]), { topic: 'orders', registerSchema: true });
    expect((await registry.latest('orders-value'))?.schema).toEqual({
      schemaType: 'PROTOBUF',
      schema: 'syntax = "proto3";\n\nmessage ConnectDefault1 {\n  int32 A = 1;\n}\n',
    });
    expect((await registry.latest('orders-key'))?.schema.schema).toBe(
      'syntax = "proto3";\n\nmessage ConnectDefault1 {\n  string K = 1;\n}\n',
    );
  });

  it("auto-registers the derived schema when a source's subject holds another one, as Confluent's converter does", async () => {
    const { formats, registry } = setup();
    const other = registry.registerSync('src-value', {
      schemaType: 'PROTOBUF',
      schema: 'syntax = "proto3"; message Old { string x = 1; } message V { int32 A = 1; }',
    });
    const serde = await formats.valueSerde(PROTOBUF, valueColumns(['A', T.INTEGER]), { topic: 'src' });
    const latest = await registry.latest('src-value');
    expect(latest?.id).not.toBe(other);
    expect(latest?.schema.schema).toBe(
      'syntax = "proto3";\n\nmessage ConnectDefault1 {\n  int32 A = 1;\n}\n',
    );
    expect(serde.serialize([3]).readInt32BE(1)).toBe(latest?.id);
    // and reuses a subject's latest schema when it is the derived one
    const again = await formats.valueSerde(PROTOBUF, valueColumns(['A', T.INTEGER]), { topic: 'src' });
    expect(again.serialize([3]).readInt32BE(1)).toBe(latest?.id);
    expect(registry.listSubjects().get('src-value')).toHaveLength(2);
  });

  it('keeps a single key column wrapped in a message (PROTOBUF cannot unwrap)', async () => {
    const { formats } = setup();
    const serde = await formats.keySerde(PROTOBUF, keyColumns(['K', T.INTEGER]), {
      topic: 't',
      registerSchema: true,
    });
    expect(hex(serde.serialize([42]))).toBe('000000000100082a');
  });

  it('writes DECIMAL as confluent.type.Decimal (unscaled bytes, precision, scale)', async () => {
    const { formats } = setup();
    const serde = await formats.valueSerde(PROTOBUF, valueColumns(['P', T.decimal(4, 2)]), {
      topic: 't',
      registerSchema: true,
    });
    // P = { value: 0x03e9, precision: 4, scale: 2 }
    expect(hex(serde.serialize([new Decimal(1001n, 2)])).slice(12)).toBe('0a080a0203e910041802');
  });

  it('reads absent scalars as their defaults, absent messages as null, absent lists and maps as empty', async () => {
    const { formats } = setup();
    const serde = await formats.valueSerde(PROTOBUF, ALL_TYPES, { topic: 't', registerSchema: true });
    const row = serde.deserialize(serde.serialize(ALL_TYPES.map(() => null)));
    expect(row).toEqual([false, 0, 0, 0, '', Buffer.alloc(0), null, null, null, null, [], new Map(), null]);
    const inner = serde.deserialize(
      serde.serialize([...ALL_TYPES.slice(0, -1).map(() => null), { N: null, INNER: null, TAGS: null }]),
    );
    expect(inner[12]).toEqual({ N: 0, INNER: null, TAGS: new Map() });
  });

  it('keeps nulls apart from defaults with nullable representation OPTIONAL or WRAPPER', async () => {
    for (const nullable of ['OPTIONAL', 'WRAPPER']) {
      const { formats } = setup();
      const format: FormatInfo = { name: 'PROTOBUF', properties: { nullableRepresentation: nullable } };
      const cols = valueColumns(['I', T.INTEGER], ['S', T.STRING], ['B', T.BOOLEAN]);
      const serde = await formats.valueSerde(format, cols, { topic: 't', registerSchema: true });
      expect(serde.deserialize(serde.serialize([null, '', false]))).toEqual([null, '', false]);
      expect(serde.deserialize(serde.serialize([0, null, null]))).toEqual([0, null, null]);
    }
  });

  it('fails to write null array elements, naming the field', async () => {
    const { formats } = setup();
    const serde = await formats.valueSerde(PROTOBUF, valueColumns(['XS', T.array(T.INTEGER)]), {
      topic: 't',
      registerSchema: true,
    });
    expect(() => serde.serialize([[1, null]])).toThrow(/Error serializing message to topic: t\..*XS/);
  });

  it('writes with a *_SCHEMA_ID schema, its message picked by *_SCHEMA_FULL_NAME, with that message index', async () => {
    const { formats, registry } = setup();
    const id = registry.registerSync('t-value', {
      schemaType: 'PROTOBUF',
      schema:
        'syntax = "proto3"; message First { string X = 1; } message Second { uint32 c1 = 1; string c2 = 2; }',
    });
    const format: FormatInfo = {
      name: 'PROTOBUF',
      properties: { schemaId: String(id), fullSchemaName: 'Second' },
    };
    const cols = valueColumns(['C1', T.BIGINT], ['C2', T.STRING]);
    const serde = await formats.valueSerde(format, cols, { topic: 't' });
    const bytes = serde.serialize([7, 'z']);
    // message indexes [1]: count 1 and index 1, both zigzag varints
    expect(hex(bytes)).toBe('00000000010202' + '0807' + '12017a');
    expect(serde.deserialize(bytes)).toEqual([7, 'z']);
  });

  it('reads and writes a oneof as a STRUCT of its members, one of them set', async () => {
    const { formats, registry } = setup();
    const id = registry.registerSync('t-value', {
      schemaType: 'PROTOBUF',
      schema:
        'syntax = "proto3"; message Pay { string id = 1; oneof method { string card = 2; int64 account = 3; } }',
    });
    const method = T.struct([
      { name: 'CARD', type: T.STRING },
      { name: 'ACCOUNT', type: T.BIGINT },
    ]);
    const cols = valueColumns(['METHOD_0', method], ['ID', T.STRING]);
    const serde = await formats.valueSerde({ name: 'PROTOBUF', properties: { schemaId: String(id) } }, cols, {
      topic: 't',
    });
    const bytes = serde.serialize([{ CARD: null, ACCOUNT: 0 }, 'p1']);
    // id "p1", then account 0: a set oneof member is written even at its default
    expect(hex(bytes)).toBe('000000000100' + '0a027031' + '1800');
    expect(serde.deserialize(bytes)).toEqual([{ CARD: null, ACCOUNT: 0 }, 'p1']);
    expect(serde.deserialize(serde.serialize([null, 'p2']))).toEqual([null, 'p2']);
  });

  it('reads payloads written with other registered schemas once prefetched', async () => {
    const { formats, registry } = setup();
    const cols = valueColumns(
      ['A', T.BIGINT],
      ['B', T.INTEGER],
      ['C', T.DOUBLE],
      ['COLOR', T.STRING],
      ['W', T.STRING],
    );
    const serde = await formats.valueSerde(PROTOBUF, cols, { topic: 't', registerSchema: true });
    const text =
      'syntax = "proto3"; import "google/protobuf/wrappers.proto"; package p;' +
      ' enum Color { RED = 0; GREEN = 1; }' +
      ' message Other { int32 unused = 1; }' +
      ' message V { sint32 b = 2; uint32 a = 1; float c = 3; Color color = 4; google.protobuf.StringValue w = 5; }';
    const id = registry.registerSync('elsewhere', { schemaType: 'PROTOBUF', schema: text });
    const root = protobuf.parse(
      'syntax = "proto3"; package p; enum Color { RED = 0; GREEN = 1; } message V { sint32 b = 2; uint32 a = 1; float c = 3; Color color = 4; SV w = 5; } message SV { string value = 1; }',
      { keepCase: true },
    ).root;
    const V = root.lookupType('p.V');
    const body = V.encode({ a: 4_000_000_000, b: -3, c: 1.25, color: 1, w: { value: 'x' } }).finish();
    const payload = Buffer.concat([Buffer.from([0, 0, 0, 0, id, 2, 2]), body]);
    expect(() => serde.deserialize(payload)).toThrow(/not fetched/);
    await serde.prefetch?.([payload]);
    expect(serde.deserialize(payload)).toEqual([4_000_000_000, -3, 1.25, 'GREEN', 'x']);
  });

  it('reads with writer schemas that import registered references', async () => {
    const { formats, registry } = setup();
    const cols = valueColumns(['EVENT', T.struct([{ name: 'AT', type: T.BIGINT }])]);
    const serde = await formats.valueSerde(PROTOBUF, cols, { topic: 't', registerSchema: true });
    registry.registerSync('event.proto', {
      schemaType: 'PROTOBUF',
      schema: 'syntax = "proto3"; package ev; message Event { int64 at = 1; }',
    });
    const id = registry.registerSync('t-value', {
      schemaType: 'PROTOBUF',
      schema: 'syntax = "proto3"; import "event.proto"; message Logistics { ev.Event event = 1; }',
      references: [{ name: 'event.proto', subject: 'event.proto', version: 1 }],
    });
    // event { at: 5 }
    const payload = Buffer.from([0, 0, 0, 0, id, 0, 0x0a, 0x02, 0x08, 0x05]);
    await serde.prefetch?.([payload]);
    expect(serde.deserialize(payload)).toEqual([{ AT: 5 }]);
  });

  it('reports a payload without the magic byte as a deserialization error of the topic', async () => {
    const { formats } = setup();
    const serde = await formats.valueSerde(PROTOBUF, valueColumns(['A', T.INTEGER]), {
      topic: 'in',
      registerSchema: true,
    });
    expect(() => serde.deserialize(Buffer.from([1, 2, 3, 4, 5, 6]))).toThrow(
      /Failed to deserialize value from topic: in\. Unknown magic byte/,
    );
  });

  it('refuses WRAP_SINGLE_VALUE=false, as ksqlDB does', async () => {
    const { formats } = setup();
    await expect(
      formats.valueSerde(PROTOBUF, valueColumns(['A', T.INTEGER]), { topic: 't', wrapSingleValue: false }),
    ).rejects.toThrow("Format 'PROTOBUF' does not support 'WRAP_SINGLE_VALUE' set to 'false'.");
  });
});

describe('PROTOBUF_NOSR serde', () => {
  it('round-trips every type without framing', async () => {
    const { formats, registry } = setup();
    const serde = await formats.valueSerde(NOSR, ALL_TYPES, { topic: 't', registerSchema: true });
    const bytes = serde.serialize(FULL_ROW);
    expect(serde.deserialize(bytes)).toEqual(FULL_ROW);
    expect(registry.listSubjects().size).toBe(0);
  });

  it('writes the same binary as PROTOBUF after its framing', async () => {
    const { formats } = setup();
    const cols = valueColumns(['ID', T.BIGINT], ['NAME', T.STRING]);
    const sr = await formats.valueSerde(PROTOBUF, cols, { topic: 't', registerSchema: true });
    const nosr = await formats.valueSerde(NOSR, cols, { topic: 't' });
    expect(hex(nosr.serialize([5, 'q']))).toBe(hex(sr.serialize([5, 'q']).subarray(6)));
  });

  it('writes an unwrapped single key as its google.protobuf wrapper message', async () => {
    const { formats } = setup();
    const serde = await formats.keySerde(NOSR, keyColumns(['K', T.INTEGER]), { topic: 't' });
    expect(hex(serde.serialize([42]))).toBe('082a');
    expect(serde.deserialize(Buffer.from('082a', 'hex'))).toEqual([42]);
    const text = await formats.keySerde(NOSR, keyColumns(['K', T.STRING]), { topic: 't' });
    expect(text.deserialize(text.serialize(['abc']))).toEqual(['abc']);
  });

  it('takes WRAP_SINGLE_VALUE=false: the value is its wrapper message', async () => {
    const { formats } = setup();
    const serde = await formats.valueSerde(NOSR, valueColumns(['V', T.DOUBLE]), {
      topic: 't',
      wrapSingleValue: false,
    });
    expect(hex(serde.serialize([1]))).toBe('09000000000000f03f');
    expect(serde.deserialize(serde.serialize([1]))).toEqual([1]);
    // a null is no message at all, and an empty message reads as the default
    expect(serde.serialize([null])).toBeNull();
    expect(serde.deserialize(Buffer.alloc(0))).toEqual([0]);
  });
});

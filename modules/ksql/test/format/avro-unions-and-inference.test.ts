import { readFileSync } from 'node:fs';
import avro from 'avsc';
import { describe, expect, it } from 'vitest';
import { avroSchemaOf } from '../../src/format/avro-schema.js';
import { createFormats } from '../../src/format/formats.js';
import { InMemorySchemaRegistry } from '../../src/format/schema-registry.js';
import { SqlTypes as T } from '../../src/types/sql-type.js';
import { valueColumns } from './helpers.js';

const AVRO = { name: 'AVRO' as const, properties: {} };

function setup() {
  const registry = new InMemorySchemaRegistry();
  return { registry, formats: createFormats(registry) };
}

describe('AVRO unions other than [null, T]', () => {
  const writer = {
    type: 'record',
    name: 'U',
    namespace: 'acme',
    fields: [
      { name: 'A', type: ['null', 'string', 'int'] },
      { name: 'B', type: ['string', { type: 'enum', name: 'E', symbols: ['X', 'Y'] }] },
    ],
  };

  it('are inferred as a STRUCT with a field per member', async () => {
    const { registry, formats } = setup();
    registry.registerSync('u-value', { schemaType: 'AVRO', schema: JSON.stringify(writer) });
    expect(await formats.inferColumns(AVRO, 'u', 'value')).toEqual([
      {
        name: 'A',
        type: T.struct([
          { name: 'STRING', type: T.STRING },
          { name: 'INT', type: T.INTEGER },
        ]),
      },
      {
        name: 'B',
        type: T.struct([
          { name: 'STRING', type: T.STRING },
          { name: 'E', type: T.STRING },
        ]),
      },
    ]);
  });

  it('read into that STRUCT, the written member set (unwrapped and ambiguous unions alike)', async () => {
    const { registry, formats } = setup();
    const id = registry.registerSync('u-value', { schemaType: 'AVRO', schema: JSON.stringify(writer) });
    const columns = (await formats.inferColumns(AVRO, 'u', 'value'))!.map((c) => ({
      ...c,
      namespace: 'VALUE' as const,
    }));
    const serde = await formats.valueSerde(AVRO, columns, { topic: 'u' });
    // A: branch 2 (int) 7 → 04 0e; B: branch 1 (enum) symbol 1 → 02 02
    const payload = Buffer.from([0, 0, 0, 0, id, 0x04, 0x0e, 0x02, 0x02]);
    await serde.prefetch?.([payload]);
    expect(serde.deserialize(payload)).toEqual([
      { STRING: null, INT: 7 },
      { STRING: null, E: 'Y' },
    ]);
    const strings = Buffer.from([0, 0, 0, 0, id, 0x02, 0x02, 0x61, 0x00, 0x02, 0x62]);
    expect(serde.deserialize(strings)).toEqual([
      { STRING: 'a', INT: null },
      { STRING: 'b', E: null },
    ]);
  });

  it('cannot be read into a column that is not a STRUCT', async () => {
    const { registry, formats } = setup();
    const id = registry.registerSync('u-value', { schemaType: 'AVRO', schema: JSON.stringify(writer) });
    const serde = await formats.valueSerde(AVRO, valueColumns(['A', T.STRING]), { topic: 'u' });
    const payload = Buffer.from([0, 0, 0, 0, id, 0x04, 0x0e, 0x02, 0x02]);
    await serde.prefetch?.([payload]);
    expect(() => serde.deserialize(payload)).toThrow(
      'Cannot deserialize type struct as type string for path: ->A',
    );
  });
});

describe('AVRO column inference', () => {
  it('infers the metric schema as ksqlDB would: names upper-cased, required fields nullable columns', async () => {
    const { registry, formats } = setup();
    const metric = readFileSync(new URL('../../../common/schemas/metric.avsc', import.meta.url), 'utf8');
    registry.registerSync('metrics-value', { schemaType: 'AVRO', schema: metric });
    expect(await formats.inferColumns(AVRO, 'metrics', 'value')).toEqual([
      { name: 'GATEWAY', type: T.STRING },
      { name: 'METRICTYPE', type: T.STRING },
      { name: 'METRICATTRIBUTE', type: T.STRING },
      { name: 'TIMESTAMP', type: T.STRING },
      { name: 'VALUE', type: T.DOUBLE },
      // The optional unit added to Metric later: a nullable string, null in older records.
      { name: 'UNIT', type: T.STRING },
    ]);
  });

  it("reads the metrics topic's records with the inferred columns (ksql/queries.ksql's metrics_raw)", async () => {
    const { registry, formats } = setup();
    const metric = readFileSync(new URL('../../../common/schemas/metric.avsc', import.meta.url), 'utf8');
    const id = registry.registerSync('metrics-value', { schemaType: 'AVRO', schema: metric });
    const columns = (await formats.inferColumns(AVRO, 'metrics', 'value'))!.map((c) => ({
      ...c,
      namespace: 'VALUE' as const,
    }));
    const serde = await formats.valueSerde(AVRO, columns, { topic: 'metrics' });
    const record = {
      gateway: 'gw1',
      metricType: 'POWER',
      metricAttribute: 'ACTIVE',
      timestamp: '2006-12-16T17:24:00Z',
      value: 4.216,
    };
    const body = avro.Type.forSchema(JSON.parse(metric) as avro.Schema).toBuffer(record);
    const payload = Buffer.concat([Buffer.from([0]), Buffer.from([0, 0, 0, id]), body]);
    await serde.prefetch?.([payload]);
    expect(serde.deserialize(payload)).toEqual([
      'gw1',
      'POWER',
      'ACTIVE',
      '2006-12-16T17:24:00Z',
      4.216,
      null,
    ]);
    // The source did not register anything of its own under the subject.
    expect(registry.listSubjects().get('metrics-value')).toEqual([id]);
  });

  it('infers logical types, nested records, maps and skips unsupported fields', async () => {
    const { registry, formats } = setup();
    const schema = avroSchemaOf(
      valueColumns(
        ['d', T.decimal(5, 1)],
        ['s', T.struct([{ name: 'inner', type: T.DATE }])],
        ['m', T.map(T.STRING, T.TIME)],
      ),
      true,
      'X',
    ) as { fields: unknown[] };
    // A map whose keys are bytes: ksqlDB leaves such a field out.
    schema.fields.push({
      name: 'u',
      type: {
        type: 'array',
        items: {
          type: 'record',
          name: 'E',
          'connect.internal.type': 'MapEntry',
          fields: [
            { name: 'key', type: 'bytes' },
            { name: 'value', type: 'int' },
          ],
        },
      },
    });
    registry.registerSync('i-value', { schemaType: 'AVRO', schema: JSON.stringify(schema) });
    expect(await formats.inferColumns(AVRO, 'i', 'value')).toEqual([
      { name: 'D', type: T.decimal(5, 1) },
      { name: 'S', type: T.struct([{ name: 'INNER', type: T.DATE }]) },
      { name: 'M', type: T.map(T.STRING, T.TIME) },
    ]);
  });

  it('infers one ROWKEY for keys and ROWVAL for unwrapped values; keeps names when picked by id', async () => {
    const { registry, formats } = setup();
    registry.registerSync('k-key', { schemaType: 'AVRO', schema: '"int"' });
    registry.registerSync('k-value', { schemaType: 'AVRO', schema: '{"type":"array","items":"string"}' });
    expect(await formats.inferColumns(AVRO, 'k', 'key')).toEqual([{ name: 'ROWKEY', type: T.INTEGER }]);
    expect(await formats.inferColumns(AVRO, 'k', 'value', { wrapSingleValue: false })).toEqual([
      { name: 'ROWVAL', type: T.array(T.STRING) },
    ]);
    await expect(formats.inferColumns(AVRO, 'k', 'value')).rejects.toThrow(/anonymous type/);
    const id = registry.registerSync('other', {
      schemaType: 'AVRO',
      schema: '{"type":"record","name":"r","fields":[{"name":"low","type":"int"}]}',
    });
    expect(
      await formats.inferColumns({ name: 'AVRO', properties: { VALUE_SCHEMA_ID: String(id) } }, 'k', 'value'),
    ).toEqual([{ name: 'low', type: T.INTEGER }]);
  });

  it('returns undefined without a schema, and rejects a schema of another format', async () => {
    const { registry, formats } = setup();
    expect(await formats.inferColumns(AVRO, 'none', 'value')).toBeUndefined();
    expect(await formats.inferColumns({ name: 'JSON', properties: {} }, 'none', 'value')).toBeUndefined();
    registry.registerSync('j-value', { schemaType: 'JSON', schema: '{"type":"object"}' });
    await expect(formats.inferColumns(AVRO, 'j', 'value')).rejects.toThrow(
      "Value schema is not in the expected format. You may want to set VALUE_FORMAT to 'JSON'.",
    );
  });
});

import { describe, expect, it } from 'vitest';
import { createFormats } from '../../src/format/formats.js';
import { jsonSchemaOf } from '../../src/format/json-schema.js';
import { InMemorySchemaRegistry } from '../../src/format/schema-registry.js';
import { SqlTypes as T } from '../../src/types/sql-type.js';
import { keyColumns, valueColumns } from './helpers.js';

const JSON_SR = { name: 'JSON_SR' as const, properties: {} };

describe('JSON_SR format', () => {
  it("derives the JSON Schema as Confluent's JsonSchemaData writes ksqlDB's columns", () => {
    expect(jsonSchemaOf(valueColumns(['FOO', T.INTEGER], ['D', T.decimal(4, 2)]), true)).toEqual({
      type: 'object',
      properties: {
        FOO: { oneOf: [{ type: 'null' }, { type: 'integer', 'connect.type': 'int32' }], 'connect.index': 0 },
        D: {
          oneOf: [
            { type: 'null' },
            {
              type: 'number',
              title: 'org.apache.kafka.connect.data.Decimal',
              'connect.version': 1,
              'connect.type': 'bytes',
              'connect.parameters': { scale: '2', 'connect.decimal.precision': '4' },
            },
          ],
          'connect.index': 1,
        },
      },
    });
    expect(jsonSchemaOf(keyColumns(['K', T.BIGINT]), false)).toEqual({
      oneOf: [{ type: 'null' }, { type: 'integer', 'connect.type': 'int64' }],
    });
  });

  it('registers the schema and frames JSON with magic byte 0 and its id', async () => {
    const registry = new InMemorySchemaRegistry();
    const formats = createFormats(registry);
    const serde = await formats.valueSerde(JSON_SR, valueColumns(['A', T.INTEGER], ['B', T.STRING]), {
      topic: 's',
      registerSchema: true,
    });
    const latest = await registry.latest('s-value');
    expect(latest?.schema.schemaType).toBe('JSON');
    const bytes = serde.serialize([1, 'x']);
    expect(bytes.subarray(0, 5)).toEqual(Buffer.from([0, 0, 0, 0, latest!.id]));
    expect(bytes.subarray(5).toString()).toBe('{"A":1,"B":"x"}');
    // Reading ignores the id in the framing and matches names case-insensitively.
    expect(
      serde.deserialize(Buffer.concat([Buffer.from([0, 0, 0, 0, 99]), Buffer.from('{"a":2,"b":"y"}')])),
    ).toEqual([2, 'y']);
    expect(() => serde.deserialize(Buffer.from('{"a":2}'))).toThrow(/did not start with the magic byte/);
  });

  it('writes the property names of the VALUE_SCHEMA_ID schema, under its id', async () => {
    const registry = new InMemorySchemaRegistry();
    const id = registry.registerWithId(
      'p-value',
      {
        schemaType: 'JSON',
        schema: '{"type":"object","properties":{"name":{"type":"string"},"Qty":{"type":"integer"}}}',
      },
      7,
    );
    const serde = await createFormats(registry).valueSerde(
      { name: 'JSON_SR', properties: { VALUE_SCHEMA_ID: String(id) } },
      valueColumns(['NAME', T.STRING], ['QTY', T.BIGINT], ['OTHER', T.INTEGER]),
      { topic: 'p', registerSchema: true },
    );
    const bytes = serde.serialize(['x', 2, 3]);
    expect(bytes.readInt32BE(1)).toBe(7);
    expect(bytes.subarray(5).toString()).toBe('{"name":"x","Qty":2,"OTHER":3}');
    expect(serde.deserialize(bytes)).toEqual(['x', 2, 3]);
  });

  it('infers columns from a registered JSON Schema, upper-casing names', async () => {
    const registry = new InMemorySchemaRegistry();
    registry.registerSync('j-value', {
      schemaType: 'JSON',
      schema: JSON.stringify({
        type: 'object',
        properties: {
          id: { type: 'integer' },
          n: { type: 'integer', 'connect.type': 'int32' },
          name: { oneOf: [{ type: 'null' }, { type: 'string' }] },
          tags: { type: 'object', additionalProperties: { type: 'number' } },
          when: { type: 'integer', title: 'org.apache.kafka.connect.data.Timestamp' },
          list: { type: 'array', items: { type: 'boolean' } },
        },
      }),
    });
    expect(await createFormats(registry).inferColumns(JSON_SR, 'j', 'value')).toEqual([
      { name: 'ID', type: T.BIGINT },
      { name: 'N', type: T.INTEGER },
      { name: 'NAME', type: T.STRING },
      { name: 'TAGS', type: T.map(T.STRING, T.DOUBLE) },
      { name: 'WHEN', type: T.TIMESTAMP },
      { name: 'LIST', type: T.array(T.BOOLEAN) },
    ]);
  });

  it('round-trips the schema it derives through inference', async () => {
    const registry = new InMemorySchemaRegistry();
    const formats = createFormats(registry);
    const columns = valueColumns(
      ['A', T.decimal(6, 2)],
      ['B', T.BYTES],
      ['C', T.map(T.STRING, T.struct([{ name: 'X', type: T.DATE }]))],
      ['D', T.TIME],
    );
    await formats.valueSerde(JSON_SR, columns, { topic: 'rt', registerSchema: true });
    expect(await formats.inferColumns(JSON_SR, 'rt', 'value')).toEqual(
      columns.map(({ name, type }) => ({ name, type })),
    );
  });
});

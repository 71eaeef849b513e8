import { describe, expect, it } from 'vitest';
import {
  createFormats,
  parseFormatName,
  subjectOf,
  supportsSchemaInference,
  validateSchemaIdFormat,
} from '../../src/format/formats.js';
import { InMemorySchemaRegistry } from '../../src/format/schema-registry.js';
import { SqlTypes as T } from '../../src/types/sql-type.js';
import { keyColumns, valueColumns } from './helpers.js';

describe('format names and subjects', () => {
  it("parses format names case-insensitively, with ksqlDB's error for unknown ones", () => {
    expect(parseFormatName('AvRo')).toBe('AVRO');
    expect(parseFormatName('json_sr')).toBe('JSON_SR');
    expect(() => parseFormatName('foo')).toThrow('Unknown format: FOO');
    expect(parseFormatName('protobuf_nosr')).toBe('PROTOBUF_NOSR');
  });

  it('accepts *_SCHEMA_ID only for formats that infer columns', () => {
    expect(supportsSchemaInference('AVRO')).toBe(true);
    expect(supportsSchemaInference('JSON')).toBe(false);
    expect(() =>
      validateSchemaIdFormat({ name: 'KAFKA', properties: { KEY_SCHEMA_ID: '1' } }, 'key'),
    ).toThrow(
      'KEY_FORMAT should support schema inference when KEY_SCHEMA_ID is provided. Current format is KAFKA.',
    );
    expect(() =>
      validateSchemaIdFormat({ name: 'JSON_SR', properties: { VALUE_SCHEMA_ID: '1' } }, 'value'),
    ).not.toThrow();
  });

  it('registers under <topic>-key and <topic>-value (TopicNameStrategy)', async () => {
    expect(subjectOf('orders', 'key')).toBe('orders-key');
    const registry = new InMemorySchemaRegistry();
    const formats = createFormats(registry);
    await formats.keySerde({ name: 'AVRO', properties: {} }, keyColumns(['K', T.INTEGER]), {
      topic: 'orders',
      registerSchema: true,
    });
    await formats.valueSerde({ name: 'JSON_SR', properties: {} }, valueColumns(['V', T.INTEGER]), {
      topic: 'orders',
      registerSchema: true,
    });
    expect([...registry.listSubjects().keys()]).toEqual(['orders-key', 'orders-value']);
  });

  it('reports a single JSON key with its UNWRAP_SINGLES feature in schema errors', () => {
    const formats = createFormats(new InMemorySchemaRegistry());
    expect(() =>
      formats.validate(
        { name: 'JSON', properties: {} },
        keyColumns(['K', T.map(T.INTEGER, T.STRING)]),
        'key',
      ),
    ).toThrow(
      'Key format does not support schema.\nformat: JSON\nschema: Persistence{columns=[`K` MAP<INTEGER, STRING> KEY], features=[UNWRAP_SINGLES]}\nreason: JSON only supports MAP types with STRING keys',
    );
  });

  it("leaves a source topic's subject alone when it holds another schema: reading works, writing names the problem", async () => {
    const registry = new InMemorySchemaRegistry();
    const producer = '{"type":"record","name":"P","fields":[{"name":"v","type":"int"}]}';
    const producerId = registry.registerSync('src-value', { schemaType: 'AVRO', schema: producer });
    registry.registerSync('srcj-value', {
      schemaType: 'JSON',
      schema: '{"type":"object","properties":{"v":{"type":"integer"}}}',
    });
    const formats = createFormats(registry);
    const avroSerde = await formats.valueSerde(
      { name: 'AVRO', properties: {} },
      valueColumns(['V', T.INTEGER]),
      { topic: 'src' },
    );
    const jsonSrSerde = await formats.valueSerde(
      { name: 'JSON_SR', properties: {} },
      valueColumns(['V', T.INTEGER]),
      { topic: 'srcj' },
    );
    expect(registry.listSubjects().get('src-value')).toEqual([producerId]);
    expect(registry.listSubjects().get('srcj-value')).toHaveLength(1);
    expect(() => avroSerde.serialize([1])).toThrow(
      'Subject src-value holds a schema other than the one derived from the columns',
    );
    expect(() => jsonSrSerde.serialize([1])).toThrow(
      'Subject srcj-value holds a schema other than the one derived from the columns',
    );
    const payload = Buffer.from([0, 0, 0, 0, producerId, 0x54]);
    await avroSerde.prefetch?.([payload]);
    expect(avroSerde.deserialize(payload)).toEqual([42]);
  });

  it('registers the derived schema for a source whose subject is empty', async () => {
    const registry = new InMemorySchemaRegistry();
    await createFormats(registry).valueSerde(
      { name: 'AVRO', properties: {} },
      valueColumns(['V', T.INTEGER]),
      { topic: 'fresh' },
    );
    expect(registry.listSubjects().get('fresh-value')).toEqual([1]);
  });
});

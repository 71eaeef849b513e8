import { describe, expect, it } from 'vitest';
import { UnsupportedFeatureError } from '../../src/errors.js';
import { createFormats, parseFormatName, subjectOf } from '../../src/format/formats.js';
import { InMemorySchemaRegistry } from '../../src/format/schema-registry.js';
import { SqlTypes as T } from '../../src/types/sql-type.js';
import { keyColumns, valueColumns } from './helpers.js';

describe('format names and subjects', () => {
  it("parses format names case-insensitively, with ksqlDB's error for unknown ones", () => {
    expect(parseFormatName('AvRo')).toBe('AVRO');
    expect(parseFormatName('json_sr')).toBe('JSON_SR');
    expect(() => parseFormatName('foo')).toThrow('Unknown format: FOO');
    expect(() => parseFormatName('protobuf_nosr')).toThrow(UnsupportedFeatureError);
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
});

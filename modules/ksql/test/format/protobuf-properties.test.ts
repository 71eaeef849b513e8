import { describe, expect, it } from 'vitest';
import { formatName, formatsOf, WithClause } from '../../src/engine/with-properties.js';
import type { FormatInfo } from '../../src/format/format.js';

const withClause = (props: Record<string, string>) =>
  new WithClause(new Map(Object.entries(props).map(([k, value]) => [k, { value }])));

describe('PROTOBUF format properties in WITH clauses', () => {
  it('accepts PROTOBUF_NOSR as a format name', () => {
    expect(formatName('protobuf_nosr')).toBe('PROTOBUF_NOSR');
  });

  it('passes *_PROTOBUF_NULLABLE_REPRESENTATION on as nullableRepresentation, lower-cased', () => {
    const f = formatsOf(
      withClause({ FORMAT: 'PROTOBUF', VALUE_PROTOBUF_NULLABLE_REPRESENTATION: 'WRAPPER' }),
      {},
    );
    expect(f.value).toEqual({ name: 'PROTOBUF', properties: { nullableRepresentation: 'wrapper' } });
    expect(f.key).toEqual({ name: 'PROTOBUF', properties: {} });
  });

  it('refuses the nullable representation for other formats, and values other than OPTIONAL or WRAPPER', () => {
    expect(() =>
      formatsOf(withClause({ VALUE_FORMAT: 'JSON', VALUE_PROTOBUF_NULLABLE_REPRESENTATION: 'OPTIONAL' }), {}),
    ).toThrow('Property VALUE_PROTOBUF_NULLABLE_REPRESENTATION can only be enabled with protobuf format');
    expect(() =>
      formatsOf(withClause({ FORMAT: 'PROTOBUF', KEY_PROTOBUF_NULLABLE_REPRESENTATION: 'maybe' }), {}),
    ).toThrow(
      'Invalid value maybe for property KEY_PROTOBUF_NULLABLE_REPRESENTATION: String must be one of: OPTIONAL, WRAPPER, null',
    );
  });

  it("inherits a source's format properties as ksqlDB does: PROTOBUF its full name only", () => {
    const source: FormatInfo = {
      name: 'PROTOBUF',
      properties: { fullSchemaName: 'acme.Reading', schemaId: '7', nullableRepresentation: 'optional' },
    };
    expect(formatsOf(withClause({}), { value: source }).value).toEqual({
      name: 'PROTOBUF',
      properties: { fullSchemaName: 'acme.Reading' },
    });
    // also when the same format is named again, and overridden by what the statement gives
    expect(
      formatsOf(withClause({ VALUE_FORMAT: 'protobuf', VALUE_SCHEMA_FULL_NAME: 'acme.Out' }), {
        value: source,
      }).value,
    ).toEqual({ name: 'PROTOBUF', properties: { fullSchemaName: 'acme.Out' } });
    // nothing carries over to another format
    expect(formatsOf(withClause({ VALUE_FORMAT: 'AVRO' }), { value: source }).value).toEqual({
      name: 'AVRO',
      properties: {},
    });
    const nosr: FormatInfo = { name: 'PROTOBUF_NOSR', properties: { nullableRepresentation: 'wrapper' } };
    expect(formatsOf(withClause({}), { value: nosr }).value?.properties).toEqual({
      nullableRepresentation: 'wrapper',
    });
  });
});

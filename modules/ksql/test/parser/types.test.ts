import { describe, expect, it } from 'vitest';
import { parseType } from '../../src/parser/index.js';
import { formatSqlType, SqlTypes } from '../../src/types/sql-type.js';

describe('types', () => {
  it('primitives under all their names, in any case', () => {
    expect(parseType('boolean')).toEqual(SqlTypes.BOOLEAN);
    expect(parseType('INT')).toEqual(SqlTypes.INTEGER);
    expect(parseType('Integer')).toEqual(SqlTypes.INTEGER);
    expect(parseType('BIGINT')).toEqual(SqlTypes.BIGINT);
    expect(parseType('DOUBLE')).toEqual(SqlTypes.DOUBLE);
    expect(parseType('VARCHAR')).toEqual(SqlTypes.STRING);
    expect(parseType('STRING')).toEqual(SqlTypes.STRING);
    expect(parseType('BYTES')).toEqual(SqlTypes.BYTES);
    expect(parseType('DATE')).toEqual(SqlTypes.DATE);
    expect(parseType('TIME')).toEqual(SqlTypes.TIME);
    expect(parseType('TIMESTAMP')).toEqual(SqlTypes.TIMESTAMP);
    expect(parseType('VARCHAR(10)')).toEqual(SqlTypes.STRING);
  });

  it('DECIMAL with its parameters checked', () => {
    expect(parseType('DECIMAL(10, 2)')).toEqual(SqlTypes.decimal(10, 2));
    expect(() => parseType('DECIMAL(2, 3)')).toThrow('DECIMAL precision must be >= scale: DECIMAL(2,3)');
    expect(() => parseType('DECIMAL(0, 0)')).toThrow('DECIMAL precision must be >= 1');
  });

  it('nested ARRAY, MAP and STRUCT (field names resolved like identifiers), `T ARRAY`', () => {
    const t = parseType('STRUCT<a INT, `b` ARRAY<MAP<STRING, STRUCT<c DOUBLE>>>, d STRUCT<>>');
    expect(formatSqlType(t)).toBe(
      'STRUCT<`A` INTEGER, `b` ARRAY<MAP<STRING, STRUCT<`C` DOUBLE>>>, `D` STRUCT<>>',
    );
    expect(parseType('INT ARRAY')).toEqual(SqlTypes.array(SqlTypes.INTEGER));
  });

  it('custom types resolve through the registry, others are unknown', () => {
    const registry = new Map([['ADDRESS', SqlTypes.struct([{ name: 'ZIP', type: SqlTypes.INTEGER }])]]);
    expect(parseType('ARRAY<address>', registry)).toEqual(SqlTypes.array(registry.get('ADDRESS') as never));
    expect(() => parseType('ADDRESS')).toThrow('Cannot resolve unknown type: ADDRESS');
  });
});

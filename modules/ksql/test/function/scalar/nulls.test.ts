import { describe, expect, it } from 'vitest';
import { formatSqlType, SqlTypes } from '../../../src/types/sql-type.js';
import { compile, E, evaluate } from '../../expr/builder.js';

const cols = [
  ['I', SqlTypes.INTEGER],
  ['S', SqlTypes.STRING],
  ['ARR', SqlTypes.array(SqlTypes.INTEGER)],
] as const;

describe('COALESCE', () => {
  it('returns the first non-NULL argument', () => {
    const e = E.call('COALESCE', E.col('I'), E.int(10), E.int(20));
    expect(evaluate(e, cols, [null, null, null])).toBe(10);
    expect(evaluate(e, cols, [1, null, null])).toBe(1);
    expect(
      evaluate(E.call('COALESCE', E.col('ARR'), E.array(E.int(10), E.int(20))), cols, [null, null, null]),
    ).toEqual([10, 20]);
  });

  it('is NULL when every argument is, and refuses no arguments', () => {
    expect(evaluate(E.call('COALESCE', E.col('S'), E.nul()), cols, [null, null, null])).toBeNull();
    expect(() => compile(E.call('COALESCE'))).toThrow("Function 'COALESCE' does not accept parameters ().");
  });

  it('refuses arguments of different types', () => {
    expect(() => compile(E.call('COALESCE', E.col('S'), E.int(1)), cols)).toThrow(
      'does not accept parameters (STRING, INTEGER)',
    );
  });
});

describe('IFNULL and NULLIF', () => {
  it('IFNULL replaces NULL', () => {
    expect(evaluate(E.call('IFNULL', E.col('S'), E.str('x')), cols, [null, null, null])).toBe('x');
    expect(evaluate(E.call('IFNULL', E.col('S'), E.str('x')), cols, [null, 'y', null])).toBe('y');
    expect(formatSqlType(compile(E.call('IFNULL', E.col('I'), E.nul()), cols).type)).toBe('INTEGER');
  });

  it('NULLIF is NULL when both are equal, comparing arrays by value', () => {
    expect(evaluate(E.call('NULLIF', E.col('I'), E.int(10)), cols, [10, null, null])).toBeNull();
    expect(evaluate(E.call('NULLIF', E.col('I'), E.int(10)), cols, [3, null, null])).toBe(3);
    expect(
      evaluate(E.call('NULLIF', E.col('ARR'), E.array(E.int(1), E.int(2))), cols, [null, null, [1, 2]]),
    ).toBeNull();
    expect(
      evaluate(E.call('NULLIF', E.col('ARR'), E.array(E.int(1), E.int(2))), cols, [null, null, []]),
    ).toEqual([]);
    expect(evaluate(E.call('NULLIF', E.col('I'), E.int(10)), cols, [null, null, null])).toBeNull();
  });
});

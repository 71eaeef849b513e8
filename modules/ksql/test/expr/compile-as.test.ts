import { describe, expect, it } from 'vitest';
import { compileExpressionAs } from '../../src/expr/compile.js';
import type { Expression } from '../../src/parser/ast.js';
import { type SqlType, SqlTypes } from '../../src/types/sql-type.js';
import type { Decimal } from '../../src/values/decimal.js';
import { E, registry, scopeOf } from './builder.js';

/** Values compiled for a column of a given type (INSERT VALUES). */
const cols = [
  ['I', SqlTypes.INTEGER],
  ['S', SqlTypes.STRING],
] as const;
const as = (e: Expression, t: SqlType) => compileExpressionAs(e, t, scopeOf(cols), registry);
const value = (e: Expression, t: SqlType) => as(e, t).evaluate([7, 'x']);

describe('compileExpressionAs', () => {
  it('accepts NULL for any type', () => {
    const c = as(E.nul(), SqlTypes.array(SqlTypes.STRING));
    expect(c.type).toEqual(SqlTypes.array(SqlTypes.STRING));
    expect(c.evaluate([])).toBeNull();
  });

  it('coerces literals as ksqlDB does', () => {
    expect(value(E.str('5'), SqlTypes.INTEGER)).toBe(5);
    expect(value(E.int(1), SqlTypes.STRING)).toBe('1');
    expect(value(E.int(3), SqlTypes.DOUBLE)).toBe(3);
    expect((value(E.dec('1.5'), SqlTypes.decimal(4, 2)) as Decimal).toString()).toBe('1.50');
    expect(value(E.str('2021-01-02'), SqlTypes.DATE)).toBe(18629);
    expect(value(E.str('yes'), SqlTypes.BOOLEAN)).toBe(true);
    expect(value(E.array(E.str('1'), E.int(2)), SqlTypes.array(SqlTypes.BIGINT))).toEqual([1, 2]);
  });

  it('widens expressions and refuses those that do not fit', () => {
    expect(value(E.col('I'), SqlTypes.BIGINT)).toBe(7);
    expect(() => as(E.col('S'), SqlTypes.INTEGER)).toThrow('Expected type INTEGER for S but got STRING');
    expect(() => as(E.bigint(5_000_000_000), SqlTypes.INTEGER)).toThrow(
      'Expected type INTEGER for 5000000000 but got BIGINT',
    );
    expect(() => as(E.str('abc'), SqlTypes.INTEGER)).toThrow('invalid input syntax for type INTEGER: "abc".');
  });
});

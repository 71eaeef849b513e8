import { describe, expect, it } from 'vitest';
import { formatExpression } from '../../src/expr/format-expression.js';
import { arithmeticResultType, commonType, widenDecimal } from '../../src/expr/type-rules.js';
import { formatSqlType, SqlTypes } from '../../src/types/sql-type.js';
import { E } from './builder.js';

describe('formatExpression (ksqlDB’s expression text)', () => {
  it('parenthesises operations and quotes strings', () => {
    expect(formatExpression(E.arith('+', E.col('A'), E.str("it's")))).toBe("(A + 'it''s')");
    expect(formatExpression(E.and(E.cmp('>=', E.col('X'), E.int(1)), E.not(E.col('B'))))).toBe(
      '((X >= 1) AND (NOT B))',
    );
    expect(formatExpression(E.col('ID', undefined, 'S'))).toBe('S.ID');
  });

  it('writes calls, casts, constructors, access and lambdas', () => {
    expect(formatExpression(E.call('SUBSTRING', E.col('S'), E.int(0), E.int(3)))).toBe('SUBSTRING(S, 0, 3)');
    expect(formatExpression(E.cast(E.col('X'), SqlTypes.decimal(4, 2)))).toBe('CAST(X AS DECIMAL(4, 2))');
    expect(formatExpression(E.array(E.int(1), E.dbl(1e7)))).toBe('ARRAY[1, 1.0E7]');
    expect(formatExpression(E.map([E.str('a'), E.col('V')]))).toBe("MAP('a':=V)");
    expect(formatExpression(E.struct(['F0', E.col('V')]))).toBe('STRUCT(F0:=V)');
    expect(formatExpression(E.sub(E.deref(E.col('S'), 'F'), E.int(1)))).toBe('S->F[1]');
    expect(formatExpression(E.lambda(['X', 'Y'], E.arith('+', E.col('X'), E.col('Y'))))).toBe(
      '(X, Y) => (X + Y)',
    );
    expect(formatExpression(E.nul())).toBe('null');
  });
});

describe('type rules', () => {
  it('widen DECIMALs to hold both integer parts and the larger scale', () => {
    expect(formatSqlType(widenDecimal(SqlTypes.decimal(4, 2), SqlTypes.decimal(5, 3)))).toBe('DECIMAL(5, 3)');
    expect(formatSqlType(widenDecimal(SqlTypes.INTEGER, SqlTypes.decimal(3, 2)))).toBe('DECIMAL(12, 2)');
    expect(formatSqlType(widenDecimal(SqlTypes.BIGINT, SqlTypes.decimal(3, 2)))).toBe('DECIMAL(21, 2)');
  });

  it('type arithmetic as ksqlDB’s Operator does', () => {
    const t = (
      op: '+' | '-' | '*' | '/' | '%',
      a: Parameters<typeof formatSqlType>[0],
      b: Parameters<typeof formatSqlType>[0],
    ) => {
      const r = arithmeticResultType(op, a, b);
      return r ? formatSqlType(r) : undefined;
    };
    expect(t('*', SqlTypes.BIGINT, SqlTypes.decimal(2, 1))).toBe('DECIMAL(22, 1)');
    expect(t('/', SqlTypes.decimal(2, 1), SqlTypes.decimal(2, 1))).toBe('DECIMAL(8, 6)');
    expect(t('+', SqlTypes.INTEGER, SqlTypes.DOUBLE)).toBe('DOUBLE');
    expect(t('+', SqlTypes.STRING, SqlTypes.INTEGER)).toBeUndefined();
  });

  it('find common types, structs field by field', () => {
    const s1 = SqlTypes.struct([{ name: 'A', type: SqlTypes.INTEGER }]);
    const s2 = SqlTypes.struct([
      { name: 'A', type: SqlTypes.BIGINT },
      { name: 'B', type: SqlTypes.STRING },
    ]);
    const c = commonType(s1, s2);
    expect(c && formatSqlType(c)).toBe('STRUCT<`A` BIGINT, `B` STRING>');
    expect(commonType(SqlTypes.STRING, SqlTypes.INTEGER)).toBeUndefined();
    expect(commonType(null, SqlTypes.DATE)).toEqual(SqlTypes.DATE);
    const arr = commonType(SqlTypes.array(SqlTypes.INTEGER), SqlTypes.array(SqlTypes.DOUBLE));
    expect(arr && formatSqlType(arr)).toBe('ARRAY<DOUBLE>');
  });
});

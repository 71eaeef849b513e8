import { describe, expect, it } from 'vitest';
import { EvaluationError } from '../../src/expr/compiled.js';
import { formatSqlType, SqlTypes } from '../../src/types/sql-type.js';
import type { Decimal } from '../../src/values/decimal.js';
import { compile, compileCollecting, E, evaluate } from './builder.js';

const cols = [
  ['I', SqlTypes.INTEGER],
  ['S', SqlTypes.STRING],
  ['D', SqlTypes.DOUBLE],
  ['B', SqlTypes.BOOLEAN],
] as const;

describe('CASE', () => {
  const searched = E.caseWhen(
    [
      [E.cmp('<', E.col('I'), E.int(0)), E.str('neg')],
      [E.cmp('=', E.col('I'), E.int(0)), E.str('zero')],
    ],
    E.str('pos'),
  );

  it('chooses the first true WHEN, else ELSE', () => {
    expect(evaluate(searched, cols, [-1, null, null, null])).toBe('neg');
    expect(evaluate(searched, cols, [0, null, null, null])).toBe('zero');
    expect(evaluate(searched, cols, [3, null, null, null])).toBe('pos');
  });

  it('skips a NULL condition and is NULL without a match or ELSE', () => {
    const e = E.caseWhen([[E.col('B'), E.int(1)]]);
    expect(evaluate(e, cols, [null, null, null, null])).toBeNull();
    expect(evaluate(e, cols, [null, null, null, true])).toBe(1);
  });

  it('widens the branches to their common type', () => {
    const e = E.caseWhen([[E.col('B'), E.int(1)]], E.dec('2.5'));
    const c = compile(e, cols);
    expect(formatSqlType(c.type)).toBe('DECIMAL(11, 1)');
    expect((c.evaluate([null, null, null, true]) as Decimal).toString()).toBe('1.0');
    expect(formatSqlType(compile(E.caseWhen([[E.col('B'), E.int(1)]], E.col('D')), cols).type)).toBe(
      'DOUBLE',
    );
  });

  it('refuses branches of different types and all-NULL branches', () => {
    expect(() => compile(E.caseWhen([[E.col('B'), E.int(1)]], E.str('x')), cols)).toThrow(
      "Invalid Case expression. Type for the default clause should be the same as for 'THEN' clauses.",
    );
    expect(() => compile(E.caseWhen([[E.col('B'), E.nul()]]), cols)).toThrow(
      'Invalid Case expression. All case branches have NULL type',
    );
    expect(() => compile(E.caseWhen([[E.col('I'), E.int(1)]]), cols)).toThrow(
      'WHEN operand type should be boolean.',
    );
  });

  it('simple CASE compares the operand with each WHEN', () => {
    const e = E.caseOf(E.col('S'), [
      [E.str('a'), E.int(1)],
      [E.str('b'), E.int(2)],
    ]);
    expect(evaluate(e, cols, [null, 'b', null, null])).toBe(2);
    expect(evaluate(e, cols, [null, 'c', null, null])).toBeNull();
    expect(evaluate(e, cols, [null, null, null, null])).toBeNull();
  });
});

describe('CAST', () => {
  const cast = (value: unknown, from: (typeof cols)[number][0], to: Parameters<typeof E.cast>[1]) => {
    const row: unknown[] = [null, null, null, null];
    row[cols.findIndex(([n]) => n === from)] = value;
    return evaluate(E.cast(E.col(from), to), cols, row);
  };

  it('parses strings into numbers and booleans, trimming', () => {
    expect(cast(' 42 ', 'S', SqlTypes.INTEGER)).toBe(42);
    expect(cast('-7', 'S', SqlTypes.BIGINT)).toBe(-7);
    expect(cast('1.5e2', 'S', SqlTypes.DOUBLE)).toBe(150);
    expect((cast('12.345', 'S', SqlTypes.decimal(4, 2)) as Decimal).toString()).toBe('12.35');
    expect(cast('yes', 'S', SqlTypes.BOOLEAN)).toBe(true);
    expect(cast('t', 'S', SqlTypes.BOOLEAN)).toBe(true);
    expect(cast('nope', 'S', SqlTypes.BOOLEAN)).toBe(false);
  });

  it('is NULL for a value that does not convert, reporting the failure (ksqlDB’s nested error handling)', () => {
    expect(cast('abc', 'S', SqlTypes.INTEGER)).toBeNull();
    expect(cast('2147483648', 'S', SqlTypes.INTEGER)).toBeNull();
    expect(cast('NaN', 'S', SqlTypes.DOUBLE)).toBeNull();
    const { compiled, errors } = compileCollecting(E.cast(E.col('S'), SqlTypes.decimal(4, 2)), cols);
    expect(compiled.evaluate([null, '123.4', null, null])).toBeNull();
    expect(errors).toHaveLength(1);
    expect(errors[0]).toBeInstanceOf(EvaluationError);
    expect(errors[0].message).toContain('Numeric field overflow');
    // NULL, not an error, when it converts
    expect((compiled.evaluate([null, '12.3', null, null]) as Decimal).toString()).toBe('12.30');
    expect(errors).toHaveLength(1);
  });

  it('keeps the NULL of a failed nested CAST local: COALESCE can replace it', () => {
    const e = E.call('COALESCE', E.cast(E.col('S'), SqlTypes.INTEGER), E.int(-1));
    expect(evaluate(e, cols, [null, 'x', null, null])).toBe(-1);
  });

  it('truncates numbers towards zero, saturating doubles and wrapping BIGINT into INTEGER', () => {
    expect(cast(-2.9, 'D', SqlTypes.INTEGER)).toBe(-2);
    expect(cast(1e20, 'D', SqlTypes.INTEGER)).toBe(2147483647);
    expect(cast(Number.NaN, 'D', SqlTypes.BIGINT)).toBe(0);
    expect(evaluate(E.cast(E.bigint(4294967297), SqlTypes.INTEGER))).toBe(1);
    expect(evaluate(E.cast(E.dec('-12.99'), SqlTypes.INTEGER))).toBe(-12);
  });

  it('rescales DECIMALs HALF_UP and converts doubles exactly to the scale', () => {
    expect((evaluate(E.cast(E.dec('1.255'), SqlTypes.decimal(5, 2))) as Decimal).toString()).toBe('1.26');
    expect((evaluate(E.cast(E.dec('1.5'), SqlTypes.decimal(5, 3))) as Decimal).toString()).toBe('1.500');
    expect((cast(0.1, 'D', SqlTypes.decimal(3, 2)) as Decimal).toString()).toBe('0.10');
    expect((evaluate(E.cast(E.int(12), SqlTypes.decimal(4, 1))) as Decimal).toString()).toBe('12.0');
    expect(evaluate(E.cast(E.int(1234), SqlTypes.decimal(4, 1)))).toBeNull();
  });

  it('prints values as Java does', () => {
    expect(cast(1.0, 'D', SqlTypes.STRING)).toBe('1.0');
    expect(cast(1e7, 'D', SqlTypes.STRING)).toBe('1.0E7');
    expect(cast(0.0001, 'D', SqlTypes.STRING)).toBe('1.0E-4');
    expect(evaluate(E.cast(E.dec('10.50'), SqlTypes.STRING))).toBe('10.50');
    expect(evaluate(E.cast(E.bool(true), SqlTypes.STRING))).toBe('true');
    expect(evaluate(E.cast(E.array(E.int(1), E.int(2)), SqlTypes.STRING))).toBe('[1, 2]');
    expect(evaluate(E.cast(E.map([E.str('a'), E.dbl(1)]), SqlTypes.STRING))).toBe('{a=1.0}');
    expect(
      evaluate(E.cast(E.struct(['A', E.int(1)], ['B', E.cast(E.nul(), SqlTypes.STRING)]), SqlTypes.STRING)),
    ).toBe('Struct{A=1}');
  });

  it('converts between strings, dates, times and timestamps', () => {
    expect(evaluate(E.cast(E.str('2021-01-02'), SqlTypes.DATE))).toBe(18629);
    expect(evaluate(E.cast(E.str('2021-01'), SqlTypes.DATE))).toBe(18628);
    expect(evaluate(E.cast(E.str('10:20:30.5'), SqlTypes.TIME))).toBe(37_230_500);
    expect(evaluate(E.cast(E.str('2021-01-02T03:04:05.006'), SqlTypes.TIMESTAMP))).toBe(
      Date.UTC(2021, 0, 2, 3, 4, 5, 6),
    );
    expect(evaluate(E.cast(E.str('2021-01-02T03:04+01:00'), SqlTypes.TIMESTAMP))).toBe(
      Date.UTC(2021, 0, 2, 2, 4),
    );
    const ts = E.cast(E.str('2021-01-02T03:04:05.006'), SqlTypes.TIMESTAMP);
    expect(evaluate(E.cast(ts, SqlTypes.DATE))).toBe(18629);
    expect(evaluate(E.cast(ts, SqlTypes.TIME))).toBe(((3 * 60 + 4) * 60 + 5) * 1000 + 6);
    expect(evaluate(E.cast(ts, SqlTypes.STRING))).toBe('2021-01-02T03:04:05.006');
    expect(evaluate(E.cast(E.cast(E.str('2021-01-02'), SqlTypes.DATE), SqlTypes.TIMESTAMP))).toBe(
      Date.UTC(2021, 0, 2),
    );
    expect(evaluate(E.cast(E.cast(E.str('2021-01-02'), SqlTypes.DATE), SqlTypes.STRING))).toBe('2021-01-02');
    expect(evaluate(E.cast(E.cast(E.str('10:20'), SqlTypes.TIME), SqlTypes.STRING))).toBe('10:20');
  });

  it('casts the elements of arrays and maps, and struct fields by name', () => {
    expect(evaluate(E.cast(E.array(E.str('1'), E.str('2')), SqlTypes.array(SqlTypes.INTEGER)))).toEqual([
      1, 2,
    ]);
    const m = evaluate(
      E.cast(E.map([E.str('a'), E.int(1)]), SqlTypes.map(SqlTypes.STRING, SqlTypes.DOUBLE)),
    ) as Map<string, number>;
    expect([...m]).toEqual([['a', 1]]);
    const s = E.cast(
      E.struct(['A', E.int(1)], ['B', E.str('x')]),
      SqlTypes.struct([
        { name: 'A', type: SqlTypes.BIGINT },
        { name: 'C', type: SqlTypes.STRING },
      ]),
    );
    expect(evaluate(s)).toEqual({ A: 1, C: null });
  });

  it('casts NULL to any type and refuses casts ksqlDB does not support', () => {
    const n = compile(E.cast(E.nul(), SqlTypes.array(SqlTypes.STRING)));
    expect(formatSqlType(n.type)).toBe('ARRAY<STRING>');
    expect(n.evaluate([])).toBeNull();
    expect(() => compile(E.cast(E.col('S'), SqlTypes.array(SqlTypes.INTEGER)), cols)).toThrow(
      'Cast of STRING to ARRAY<INTEGER> is not supported',
    );
    expect(() => compile(E.cast(E.col('B'), SqlTypes.INTEGER), cols)).toThrow(
      'Cast of BOOLEAN to INTEGER is not supported',
    );
  });
});

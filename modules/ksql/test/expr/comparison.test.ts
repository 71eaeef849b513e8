import { describe, expect, it } from 'vitest';
import { KsqlError } from '../../src/errors.js';
import { SqlTypes } from '../../src/types/sql-type.js';
import { Decimal } from '../../src/values/decimal.js';
import { at, compile, E, evaluate } from './builder.js';

const cols = [
  ['I', SqlTypes.INTEGER],
  ['L', SqlTypes.BIGINT],
  ['D', SqlTypes.DOUBLE],
  ['A', SqlTypes.decimal(4, 2)],
  ['S', SqlTypes.STRING],
  ['T', SqlTypes.BOOLEAN],
  ['DT', SqlTypes.DATE],
  ['TS', SqlTypes.TIMESTAMP],
  ['TM', SqlTypes.TIME],
  ['ARR', SqlTypes.array(SqlTypes.INTEGER)],
  ['M', SqlTypes.map(SqlTypes.STRING, SqlTypes.INTEGER)],
  ['ST', SqlTypes.struct([{ name: 'ID', type: SqlTypes.INTEGER }])],
] as const;
type Col = (typeof cols)[number][0];
const row = (v: Partial<Record<Col, unknown>>) => cols.map(([n]) => v[n] ?? null);

describe('comparisons', () => {
  it('compares numbers of different types by value', () => {
    expect(evaluate(E.cmp('=', E.col('I'), E.col('L')), cols, row({ I: 5, L: 5 }))).toBe(true);
    expect(evaluate(E.cmp('<', E.col('I'), E.col('D')), cols, row({ I: 5, D: 5.5 }))).toBe(true);
    expect(
      evaluate(E.cmp('>=', E.col('A'), E.col('I')), cols, row({ A: Decimal.parse('10.00'), I: 10 })),
    ).toBe(true);
    expect(evaluate(E.cmp('<', E.col('A'), E.dec('10.012')), cols, row({ A: Decimal.parse('10.01') }))).toBe(
      true,
    );
    expect(evaluate(E.cmp('<>', E.col('A'), E.dbl(10.5)), cols, row({ A: Decimal.parse('10.50') }))).toBe(
      false,
    );
  });

  it('is FALSE, not NULL, when an operand is NULL (ksqlDB)', () => {
    expect(evaluate(E.cmp('=', E.col('I'), E.col('L')), cols, row({ L: 1 }))).toBe(false);
    expect(evaluate(E.cmp('<>', E.col('I'), E.col('L')), cols, row({}))).toBe(false);
    expect(evaluate(E.not(E.cmp('=', E.col('I'), E.int(1))), cols, row({}))).toBe(true);
  });

  it('compares strings by UTF-16 code units, as Java', () => {
    expect(evaluate(E.cmp('<', E.col('S'), E.str('b')), cols, row({ S: 'B' }))).toBe(true);
    expect(evaluate(E.cmp('=', E.col('S'), E.str('x')), cols, row({ S: 'x' }))).toBe(true);
  });

  it('compares dates, timestamps and times with each other and with strings', () => {
    // 2021-01-02 is day 18629
    expect(evaluate(E.cmp('=', E.col('DT'), E.str('2021-01-02')), cols, row({ DT: 18629 }))).toBe(true);
    expect(
      evaluate(E.cmp('<', E.col('DT'), E.col('TS')), cols, row({ DT: 18629, TS: 18629 * 86_400_000 + 1 })),
    ).toBe(true);
    expect(
      evaluate(
        E.cmp('>', E.col('TS'), E.str('2021-01-02T00:00:00')),
        cols,
        row({ TS: 18629 * 86_400_000 + 1 }),
      ),
    ).toBe(true);
    expect(evaluate(E.cmp('=', E.col('TM'), E.str('10:00')), cols, row({ TM: 36_000_000 }))).toBe(true);
  });

  it('compares booleans, arrays, maps and structs for equality', () => {
    expect(evaluate(E.cmp('=', E.col('T'), E.bool(true)), cols, row({ T: true }))).toBe(true);
    expect(evaluate(E.cmp('=', E.col('ARR'), E.array(E.int(1), E.int(2))), cols, row({ ARR: [1, 2] }))).toBe(
      true,
    );
    expect(evaluate(E.cmp('<>', E.col('ARR'), E.array(E.int(1))), cols, row({ ARR: [1, 2] }))).toBe(true);
    expect(
      evaluate(E.cmp('=', E.col('M'), E.map([E.str('a'), E.int(1)])), cols, row({ M: new Map([['a', 1]]) })),
    ).toBe(true);
    expect(evaluate(E.cmp('=', E.col('ST'), E.struct(['ID', E.int(7)])), cols, row({ ST: { ID: 7 } }))).toBe(
      true,
    );
  });

  it('refuses incompatible types with ksqlDB’s message', () => {
    expect(() => compile(E.cmp('>', E.col('I'), E.col('S'), at(2, 7)), cols)).toThrow(
      'line 2:7: Cannot compare I (INTEGER) to S (STRING) with GREATER_THAN.',
    );
    expect(() => compile(E.cmp('<', E.col('ARR'), E.col('ARR')), cols)).toThrow(
      'Cannot compare ARR (ARRAY<INTEGER>) to ARR (ARRAY<INTEGER>) with LESS_THAN.',
    );
    expect(() => compile(E.cmp('=', E.col('T'), E.int(1)), cols)).toThrow('with EQUAL.');
    expect(() => compile(E.cmp('=', E.col('ST'), E.col('M')), cols)).toThrow(
      'Cannot compare ST (STRUCT<`ID` INTEGER>) to M (MAP<STRING, INTEGER>) with EQUAL.',
    );
  });

  it('refuses a comparison with an untyped NULL', () => {
    expect(() => compile(E.cmp('<>', E.nul(), E.nul()))).toThrow(
      'Comparison with NULL not supported: NULL <> NULL',
    );
    expect(() => compile(E.cmp('=', E.col('I'), E.nul()), cols)).toThrow(KsqlError);
  });
});

describe('ROWTIME, WINDOWSTART and WINDOWEND against timestamp strings', () => {
  const pseudo = [
    ['ROWTIME', SqlTypes.BIGINT],
    ['WINDOWSTART', SqlTypes.BIGINT],
    ['OTHER', SqlTypes.BIGINT],
  ] as const;

  it('read the string as a timestamp, partial or with an offset', () => {
    const t = Date.UTC(2018, 0, 1, 0, 0, 0, 1);
    expect(evaluate(E.cmp('>=', E.col('ROWTIME'), E.str('2018-01-01T00:00:00.001')), pseudo, [t, 0, 0])).toBe(
      true,
    );
    expect(evaluate(E.cmp('>', E.col('ROWTIME'), E.str('2018-01-01T00:00:00.001')), pseudo, [t, 0, 0])).toBe(
      false,
    );
    expect(evaluate(E.cmp('>=', E.col('ROWTIME'), E.str('2018')), pseudo, [t, 0, 0])).toBe(true);
    expect(
      evaluate(E.cmp('<', E.col('ROWTIME'), E.str('2019-01-01T00:00:00+0445')), pseudo, [
        Date.UTC(2018, 11, 31, 19, 14),
        0,
        0,
      ]),
    ).toBe(true);
    expect(
      evaluate(E.between(E.col('WINDOWSTART'), E.str('2018-01-01'), E.str('2018-01-02')), pseudo, [0, t, 0]),
    ).toBe(true);
  });

  it('only for those columns', () => {
    expect(() => compile(E.cmp('>', E.col('OTHER'), E.str('2018')), pseudo)).toThrow(
      'Cannot compare OTHER (BIGINT)',
    );
  });
});

describe('IS [NOT] DISTINCT FROM', () => {
  it('treats NULLs as values', () => {
    const distinct = E.distinct(E.col('I'), E.col('L'));
    expect(evaluate(distinct, cols, row({}))).toBe(false);
    expect(evaluate(distinct, cols, row({ I: 1 }))).toBe(true);
    expect(evaluate(distinct, cols, row({ I: 1, L: 1 }))).toBe(false);
    expect(evaluate(E.distinct(E.col('I'), E.col('L'), true), cols, row({}))).toBe(true);
    expect(evaluate(E.distinct(E.col('I'), E.nul()), cols, row({ I: 2 }))).toBe(true);
    expect(evaluate(E.distinct(E.col('I'), E.nul()), cols, row({}))).toBe(false);
  });
});

describe('BETWEEN', () => {
  it('includes both bounds and widens types', () => {
    const b = E.between(E.col('I'), E.int(2), E.dec('4.5'));
    expect(evaluate(b, cols, row({ I: 2 }))).toBe(true);
    expect(evaluate(b, cols, row({ I: 4 }))).toBe(true);
    expect(evaluate(b, cols, row({ I: 5 }))).toBe(false);
  });

  it('is FALSE on NULL and NOT BETWEEN negates it', () => {
    expect(evaluate(E.between(E.col('I'), E.int(1), E.int(3)), cols, row({}))).toBe(false);
    expect(evaluate(E.between(E.col('I'), E.int(1), E.int(3), true), cols, row({ I: 7 }))).toBe(true);
    expect(evaluate(E.between(E.col('S'), E.str('a'), E.str('c')), cols, row({ S: 'b' }))).toBe(true);
  });
});

import { describe, expect, it } from 'vitest';
import { formatSqlType, SqlTypes } from '../../../src/types/sql-type.js';
import type { Decimal } from '../../../src/values/decimal.js';
import { compile, E, evaluate } from '../../expr/builder.js';

const cols = [
  ['ARR', SqlTypes.array(SqlTypes.INTEGER)],
  ['L', SqlTypes.array(SqlTypes.BIGINT)],
  ['M', SqlTypes.map(SqlTypes.STRING, SqlTypes.INTEGER)],
  ['S', SqlTypes.array(SqlTypes.STRING)],
] as const;
type Col = (typeof cols)[number][0];
const row = (v: Partial<Record<Col, unknown>>) => cols.map(([n]) => v[n] ?? null);
const m = (entries: [string, number | null][]) => new Map(entries);

describe('array functions', () => {
  it('ARRAY_LENGTH', () => {
    expect(evaluate(E.call('ARRAY_LENGTH', E.col('ARR')), cols, row({ ARR: [1, null, 3] }))).toBe(3);
    expect(evaluate(E.call('ARRAY_LENGTH', E.col('ARR')), cols, row({}))).toBeNull();
  });

  it('ARRAY_CONTAINS is FALSE for a NULL array and widens the value to the element type', () => {
    expect(evaluate(E.call('ARRAY_CONTAINS', E.col('L'), E.int(2)), cols, row({ L: [1, 2] }))).toBe(true);
    expect(evaluate(E.call('ARRAY_CONTAINS', E.col('L'), E.int(5)), cols, row({ L: [1, 2] }))).toBe(false);
    expect(evaluate(E.call('ARRAY_CONTAINS', E.col('L'), E.int(5)), cols, row({}))).toBe(false);
    expect(evaluate(E.call('ARRAY_CONTAINS', E.array(E.dec('1.5')), E.dec('1.50')))).toBe(true);
  });

  it('ARRAY_MIN and ARRAY_MAX ignore NULLs', () => {
    expect(evaluate(E.call('ARRAY_MIN', E.col('ARR')), cols, row({ ARR: [3, null, -1] }))).toBe(-1);
    expect(evaluate(E.call('ARRAY_MAX', E.col('S')), cols, row({ S: ['b', 'c', 'a'] }))).toBe('c');
    expect(evaluate(E.call('ARRAY_MAX', E.col('ARR')), cols, row({ ARR: [null] }))).toBeNull();
    expect(formatSqlType(compile(E.call('ARRAY_MIN', E.col('L')), cols).type)).toBe('BIGINT');
  });

  it('ARRAY_SORT puts NULLs last, ARRAY_DISTINCT keeps first occurrences', () => {
    expect(evaluate(E.call('ARRAY_SORT', E.col('ARR')), cols, row({ ARR: [3, null, 1, 2] }))).toEqual([
      1,
      2,
      3,
      null,
    ]);
    expect(
      evaluate(E.call('ARRAY_SORT', E.col('ARR'), E.str('desc')), cols, row({ ARR: [3, null, 1] })),
    ).toEqual([3, 1, null]);
    expect(
      evaluate(E.call('ARRAY_DISTINCT', E.col('ARR')), cols, row({ ARR: [2, 1, 2, null, null] })),
    ).toEqual([2, 1, null]);
  });
});

describe('map functions', () => {
  it('AS_MAP pairs keys with values', () => {
    const r = evaluate(E.call('AS_MAP', E.array(E.str('a'), E.str('b')), E.array(E.int(1), E.int(2)))) as Map<
      string,
      number
    >;
    expect([...r]).toEqual([
      ['a', 1],
      ['b', 2],
    ]);
    expect(formatSqlType(compile(E.call('AS_MAP', E.array(E.str('a')), E.array(E.dbl(1)))).type)).toBe(
      'MAP<STRING, DOUBLE>',
    );
  });

  it('MAP_KEYS and MAP_VALUES keep insertion order', () => {
    const value = m([
      ['z', 1],
      ['a', 2],
    ]);
    expect(evaluate(E.call('MAP_KEYS', E.col('M')), cols, row({ M: value }))).toEqual(['z', 'a']);
    expect(evaluate(E.call('MAP_VALUES', E.col('M')), cols, row({ M: value }))).toEqual([1, 2]);
  });
});

describe('TRANSFORM', () => {
  it('maps array elements', () => {
    const e = E.call('TRANSFORM', E.col('S'), E.lambda(['X'], E.call('UCASE', E.col('X'))));
    expect(evaluate(e, cols, row({ S: ['a', null] }))).toEqual(['A', null]);
    expect(evaluate(e, cols, row({}))).toBeNull();
  });

  it('maps map entries with a key lambda and a value lambda', () => {
    const e = E.call(
      'TRANSFORM',
      E.col('M'),
      E.lambda(['K', 'V'], E.call('CONCAT', E.col('K'), E.str('!'))),
      E.lambda(['K', 'V'], E.arith('*', E.col('V'), E.dec('1.5'))),
    );
    const c = compile(e, cols);
    expect(formatSqlType(c.type)).toBe('MAP<STRING, DECIMAL(13, 1)>');
    const out = c.evaluate(row({ M: m([['a', 2]]) })) as Map<string, Decimal>;
    expect([...out].map(([k, v]) => [k, v.toString()])).toEqual([['a!', '3.0']]);
  });
});

describe('NULLs inside lambdas', () => {
  it('fail arithmetic, so the lambda function is NULL (ksqlDB unboxes them in Java)', () => {
    const e = E.call('TRANSFORM', E.col('ARR'), E.lambda(['X'], E.arith('+', E.col('X'), E.int(5))));
    expect(evaluate(e, cols, row({ ARR: [3, 6] }))).toEqual([8, 11]);
    expect(evaluate(e, cols, row({ ARR: [5, null] }))).toBeNull();
  });

  it('do not fail functions that accept them', () => {
    const e = E.call('TRANSFORM', E.col('ARR'), E.lambda(['X'], E.call('IFNULL', E.col('X'), E.int(0))));
    expect(evaluate(e, cols, row({ ARR: [5, null] }))).toEqual([5, 0]);
  });

  it('a TRANSFORM giving two entries one key is NULL', () => {
    const e = E.call(
      'TRANSFORM',
      E.col('M'),
      E.lambda(['K', 'V'], E.str('same')),
      E.lambda(['K', 'V'], E.col('V')),
    );
    expect(
      evaluate(
        e,
        cols,
        row({
          M: m([
            ['a', 1],
            ['b', 2],
          ]),
        }),
      ),
    ).toBeNull();
  });
});

describe('FILTER', () => {
  it('keeps array elements for which the lambda is TRUE (not NULL)', () => {
    const e = E.call('FILTER', E.col('ARR'), E.lambda(['X'], E.cmp('>', E.col('X'), E.int(1))));
    expect(evaluate(e, cols, row({ ARR: [1, 2, null, 3] }))).toEqual([2, 3]);
  });

  it('keeps map entries', () => {
    const e = E.call('FILTER', E.col('M'), E.lambda(['K', 'V'], E.cmp('<>', E.col('K'), E.str('drop'))));
    const out = evaluate(
      e,
      cols,
      row({
        M: m([
          ['keep', 1],
          ['drop', 2],
        ]),
      }),
    ) as Map<string, number>;
    expect([...out]).toEqual([['keep', 1]]);
  });

  it('refuses a lambda that is not a predicate', () => {
    expect(() => compile(E.call('FILTER', E.col('ARR'), E.lambda(['X'], E.col('X'))), cols)).toThrow(
      'BOOLEAN is required',
    );
  });
});

describe('REDUCE', () => {
  it('folds an array from an initial state', () => {
    const e = E.call(
      'REDUCE',
      E.col('ARR'),
      E.int(0),
      E.lambda(['S', 'X'], E.arith('+', E.col('S'), E.col('X'))),
    );
    expect(evaluate(e, cols, row({ ARR: [1, 2, 3] }))).toBe(6);
    expect(evaluate(e, cols, row({}))).toBe(0);
  });

  it('folds a map, and converts the lambda result to the state type', () => {
    const e = E.call(
      'REDUCE',
      E.col('M'),
      E.bigint(10),
      E.lambda(['S', 'K', 'V'], E.arith('+', E.col('S'), E.col('V'))),
    );
    expect(formatSqlType(compile(e, cols).type)).toBe('BIGINT');
    expect(
      evaluate(
        e,
        cols,
        row({
          M: m([
            ['a', 1],
            ['b', 2],
          ]),
        }),
      ),
    ).toBe(13);
  });

  it('is NULL for a NULL initial state', () => {
    const e = E.call(
      'REDUCE',
      E.col('ARR'),
      E.cast(E.nul(), SqlTypes.INTEGER),
      E.lambda(['S', 'X'], E.col('S')),
    );
    expect(evaluate(e, cols, row({ ARR: [1] }))).toBeNull();
  });
});

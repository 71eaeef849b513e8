import { describe, expect, it } from 'vitest';
import { SqlTypes } from '../../src/types/sql-type.js';
import { Decimal } from '../../src/values/decimal.js';
import { likeToRegExp } from '../../src/expr/predicates.js';
import { compile, E, evaluate } from './builder.js';

const cols = [
  ['I', SqlTypes.INTEGER],
  ['S', SqlTypes.STRING],
  ['P', SqlTypes.STRING],
  ['T', SqlTypes.BOOLEAN],
  ['A', SqlTypes.decimal(4, 2)],
  ['ARR', SqlTypes.array(SqlTypes.BIGINT)],
] as const;
type Col = (typeof cols)[number][0];
const row = (v: Partial<Record<Col, unknown>>) => cols.map(([n]) => v[n] ?? null);

describe('IN', () => {
  it('matches any item of a list of expressions', () => {
    const e = E.inList(E.col('I'), [E.int(1), E.arith('*', E.int(2), E.int(3))]);
    expect(evaluate(e, cols, row({ I: 6 }))).toBe(true);
    expect(evaluate(e, cols, row({ I: 2 }))).toBe(false);
  });

  it('ignores NULL items and is FALSE for a NULL value; NOT IN negates', () => {
    expect(evaluate(E.inList(E.col('I'), [E.nul(), E.int(3)]), cols, row({ I: 3 }))).toBe(true);
    expect(evaluate(E.inList(E.col('I'), [E.int(3)]), cols, row({}))).toBe(false);
    expect(evaluate(E.inList(E.col('I'), [E.int(3)], true), cols, row({ I: 4 }))).toBe(true);
  });

  it('compares numbers across types and coerces numeric string literals to the value type', () => {
    const e = E.inList(E.col('I'), [E.dec('2.0'), E.str('4.000'), E.dec('5.10')]);
    expect(evaluate(e, cols, row({ I: 2 }))).toBe(true);
    expect(evaluate(e, cols, row({ I: 4 }))).toBe(true);
    expect(evaluate(e, cols, row({ I: 5 }))).toBe(false);
    expect(evaluate(E.inList(E.col('A'), [E.str('1.5')]), cols, row({ A: Decimal.parse('1.50') }))).toBe(
      true,
    );
  });

  it('coerces boolean string literals, and refuses strings that do not parse', () => {
    expect(evaluate(E.inList(E.col('T'), [E.str('TrUe')]), cols, row({ T: true }))).toBe(true);
    expect(evaluate(E.inList(E.col('T'), [E.str('n')]), cols, row({ T: false }))).toBe(true);
    expect(() => compile(E.inList(E.col('T'), [E.str('Not a boolean')]), cols)).toThrow(
      'invalid input syntax for type BOOLEAN: "Not a boolean".',
    );
    expect(() => compile(E.inList(E.col('I'), [E.str('10 - not a number')]), cols)).toThrow(
      'invalid input syntax for type INTEGER: "10 - not a number".',
    );
  });

  it('refuses items of incompatible types', () => {
    expect(() => compile(E.inList(E.col('I'), [E.int(1), E.col('S')]), cols)).toThrow(
      'operator does not exist: INTEGER = STRING (S)',
    );
    expect(() => compile(E.inList(E.col('T'), [E.int(10)]), cols)).toThrow(
      'operator does not exist: BOOLEAN = INTEGER (10)\nHint: You might need to add explicit type casts.',
    );
  });

  it('turns literals into strings for a STRING value', () => {
    const e = E.inList(E.col('S'), [E.bool(true), E.int(10), E.dec('10.30')]);
    expect(evaluate(e, cols, row({ S: 'true' }))).toBe(true);
    expect(evaluate(e, cols, row({ S: '10' }))).toBe(true);
    expect(evaluate(e, cols, row({ S: '10.30' }))).toBe(true);
    expect(evaluate(e, cols, row({ S: '10.3' }))).toBe(false);
  });

  it('coerces string literals inside constructors to the value’s element type', () => {
    const e = E.inList(E.col('ARR'), [E.array(E.str('3'), E.nul())]);
    expect(evaluate(e, cols, row({ ARR: [3, null] }))).toBe(true);
    expect(() => compile(E.inList(E.col('ARR'), [E.array(E.str('not 10'))]), cols)).toThrow(
      'invalid input syntax for type BIGINT: "not 10".',
    );
  });

  it('compares arrays element by element, across number widths', () => {
    const e = E.inList(E.col('ARR'), [E.array(E.int(1), E.int(2)), E.array(E.int(3))]);
    expect(evaluate(e, cols, row({ ARR: [1, 2] }))).toBe(true);
    expect(evaluate(e, cols, row({ ARR: [2, 1] }))).toBe(false);
  });
});

describe('LIKE', () => {
  it('matches % as any run and _ as one character, anchored at both ends', () => {
    const like = (value: string, pattern: string) =>
      evaluate(E.like(E.col('S'), E.str(pattern)), cols, row({ S: value }));
    expect(like('barfoobaz', '%foo%')).toBe(true);
    expect(like('foo', 'f_o')).toBe(true);
    expect(like('fooo', 'f_o')).toBe(false);
    expect(like('', '%')).toBe(true);
    expect(like('a.c', 'a.c')).toBe(true);
    expect(like('abc', 'a.c')).toBe(false);
    expect(like('line1\nline2', 'line1%')).toBe(true);
  });

  it('treats the character after the escape literally', () => {
    const like = (value: string, pattern: string, esc: string) =>
      evaluate(E.like(E.col('S'), E.str(pattern), esc), cols, row({ S: value }));
    expect(like('%', '!%', '!')).toBe(true);
    expect(like('x', '!%', '!')).toBe(false);
    expect(like('50%off', '50!%%', '!')).toBe(true);
    expect(like('a_b', 'a!_b', '!')).toBe(true);
    expect(like('axb', 'a!_b', '!')).toBe(false);
    expect(like('a!b', 'a!!b', '!')).toBe(true);
  });

  it('takes the pattern from a column, and NOT LIKE negates', () => {
    const e = E.like(E.col('S'), E.col('P'));
    expect(evaluate(e, cols, row({ S: 'foo', P: 'f%' }))).toBe(true);
    expect(evaluate(e, cols, row({ S: 'bar', P: 'f%' }))).toBe(false);
    expect(evaluate(E.like(E.col('S'), E.str('f%'), undefined, true), cols, row({ S: 'bar' }))).toBe(true);
  });

  it('is NULL for NULL inputs', () => {
    expect(evaluate(E.like(E.col('S'), E.col('P')), cols, row({ S: 'x' }))).toBeNull();
    expect(evaluate(E.like(E.col('S'), E.str('%')), cols, row({}))).toBeNull();
  });

  it('escapes regular-expression characters of the pattern', () => {
    expect(likeToRegExp('(a+)[b]$').test('(a+)[b]$')).toBe(true);
  });

  it('refuses non-string operands', () => {
    expect(() => compile(E.like(E.col('I'), E.str('%')), cols)).toThrow('LIKE value must be a STRING');
  });
});

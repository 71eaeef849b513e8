import { describe, expect, it } from 'vitest';
import { SqlTypes } from '../../src/types/sql-type.js';
import { compile, E, evaluate } from './builder.js';

const cols = [
  ['X', SqlTypes.BOOLEAN],
  ['Y', SqlTypes.BOOLEAN],
  ['N', SqlTypes.INTEGER],
] as const;

describe('three-valued logic', () => {
  const truth: (boolean | null)[] = [true, false, null];
  const and = (a: boolean | null, b: boolean | null) =>
    evaluate(E.and(E.col('X'), E.col('Y')), cols, [a, b, null]);
  const or = (a: boolean | null, b: boolean | null) =>
    evaluate(E.or(E.col('X'), E.col('Y')), cols, [a, b, null]);

  it('AND is FALSE if either side is FALSE, else NULL if either is NULL', () => {
    const table = truth.flatMap((a) => truth.map((b) => and(a, b)));
    expect(table).toEqual([true, false, null, false, false, false, null, false, null]);
  });

  it('OR is TRUE if either side is TRUE, else NULL if either is NULL', () => {
    const table = truth.flatMap((a) => truth.map((b) => or(a, b)));
    expect(table).toEqual([true, true, true, true, false, null, true, null, null]);
  });

  it('NOT NULL is NULL', () => {
    expect(evaluate(E.not(E.col('X')), cols, [null, null, null])).toBeNull();
    expect(evaluate(E.not(E.col('X')), cols, [false, null, null])).toBe(true);
  });

  it('does not evaluate the right side when the left decides', () => {
    // 1/0 would fail the row if evaluated
    const failing = E.cmp('=', E.arith('/', E.int(1), E.int(0)), E.int(1));
    expect(evaluate(E.and(E.bool(false), failing))).toBe(false);
    expect(evaluate(E.or(E.bool(true), failing))).toBe(true);
  });

  it('refuses non-boolean operands', () => {
    expect(() => compile(E.and(E.col('X'), E.col('N')), cols)).toThrow(
      'Logical operator expects BOOLEAN operands',
    );
  });
});

describe('IS [NOT] NULL', () => {
  it('tests for NULL and never yields NULL', () => {
    expect(evaluate(E.isNull(E.col('N')), cols, [null, null, null])).toBe(true);
    expect(evaluate(E.isNull(E.col('N')), cols, [null, null, 3])).toBe(false);
    expect(evaluate(E.isNull(E.col('N'), true), cols, [null, null, 3])).toBe(true);
    expect(evaluate(E.isNull(E.nul()))).toBe(true);
  });
});

import { describe, expect, it } from 'vitest';
import { KsqlError } from '../../src/errors.js';
import { EvaluationError } from '../../src/expr/compiled.js';
import { formatSqlType, SqlTypes } from '../../src/types/sql-type.js';
import { Decimal } from '../../src/values/decimal.js';
import { at, compile, E, evaluate } from './builder.js';

const cols = [
  ['I', SqlTypes.INTEGER],
  ['L', SqlTypes.BIGINT],
  ['D', SqlTypes.DOUBLE],
  ['A', SqlTypes.decimal(4, 2)],
  ['B', SqlTypes.decimal(5, 3)],
  ['S', SqlTypes.STRING],
  ['T', SqlTypes.BOOLEAN],
] as const;

const row = (v: Partial<Record<'I' | 'L' | 'D' | 'A' | 'B' | 'S' | 'T', unknown>>) =>
  cols.map(([n]) => v[n] ?? null);

describe('arithmetic types (INTEGER → BIGINT → DECIMAL → DOUBLE)', () => {
  const typeOf = (left: string, op: '+' | '-' | '*' | '/' | '%', right: string) =>
    formatSqlType(compile(E.arith(op, E.col(left), E.col(right)), cols).type);

  it('widens to the wider operand', () => {
    expect(typeOf('I', '+', 'I')).toBe('INTEGER');
    expect(typeOf('I', '+', 'L')).toBe('BIGINT');
    expect(typeOf('L', '*', 'D')).toBe('DOUBLE');
    expect(typeOf('A', '+', 'D')).toBe('DOUBLE');
  });

  it('gives DECIMAL results the precision and scale ksqlDB documents', () => {
    expect(typeOf('A', '+', 'B')).toBe('DECIMAL(6, 3)');
    expect(typeOf('A', '-', 'A')).toBe('DECIMAL(5, 2)');
    expect(typeOf('A', '*', 'B')).toBe('DECIMAL(10, 5)');
    expect(typeOf('A', '/', 'B')).toBe('DECIMAL(13, 8)');
    expect(typeOf('A', '%', 'B')).toBe('DECIMAL(5, 3)');
    // INTEGER takes part as DECIMAL(10, 0)
    expect(typeOf('A', '+', 'I')).toBe('DECIMAL(13, 2)');
  });
});

describe('arithmetic values', () => {
  const calc = (
    op: '+' | '-' | '*' | '/' | '%',
    left: string,
    right: string,
    values: Parameters<typeof row>[0],
  ) => evaluate(E.arith(op, E.col(left), E.col(right)), cols, row(values));

  it('wraps INTEGER overflow at 32 bits like Java', () => {
    expect(calc('+', 'I', 'I', { I: 2147483647 })).toBe(-2);
    expect(evaluate(E.arith('+', E.col('I'), E.int(1)), cols, row({ I: 2147483647 }))).toBe(-2147483648);
    expect(evaluate(E.arith('*', E.col('I'), E.int(65536)), cols, row({ I: 65536 }))).toBe(0);
    expect(evaluate(E.neg(E.col('I')), cols, row({ I: -2147483648 }))).toBe(-2147483648);
  });

  it('truncates integer division and keeps the sign of the dividend for %', () => {
    expect(evaluate(E.arith('/', E.int(-7), E.int(2)))).toBe(-3);
    expect(evaluate(E.arith('%', E.int(-7), E.int(2)))).toBe(-1);
    expect(evaluate(E.arith('/', E.bigint(9_000_000_000), E.int(4)))).toBe(2_250_000_000);
  });

  it('fails the row on integer division by zero (ksqlDB: ArithmeticException, the column becomes NULL)', () => {
    const c = compile(E.arith('/', E.col('I'), E.int(0), at(1, 8)), cols);
    expect(() => c.evaluate(row({ I: 5 }))).toThrow(EvaluationError);
    expect(() => compile(E.arith('%', E.col('L'), E.bigint(0)), cols).evaluate(row({ L: 5 }))).toThrow(
      '/ by zero',
    );
  });

  it('divides doubles by zero into Infinity and NaN as Java', () => {
    expect(calc('/', 'D', 'D', { D: 0 })).toBeNaN();
    expect(evaluate(E.arith('/', E.col('D'), E.dbl(0)), cols, row({ D: 1.5 }))).toBe(
      Number.POSITIVE_INFINITY,
    );
    expect(evaluate(E.arith('/', E.col('D'), E.int(0)), cols, row({ D: -1.5 }))).toBe(
      Number.NEGATIVE_INFINITY,
    );
  });

  it('propagates NULL', () => {
    expect(calc('+', 'I', 'L', { L: 3 })).toBeNull();
    expect(calc('*', 'A', 'B', { A: Decimal.parse('1.00') })).toBeNull();
  });

  it('computes DECIMAL results at the result scale', () => {
    const r = calc('+', 'A', 'B', { A: Decimal.parse('10.01'), B: Decimal.parse('5.1') }) as Decimal;
    expect(r.toString()).toBe('15.110');
    const q = calc('/', 'A', 'A', { A: Decimal.parse('10.10') }) as Decimal;
    expect(q.toString()).toBe('1.0000000');
    const m = calc('%', 'A', 'B', { A: Decimal.parse('10.10'), B: Decimal.parse('-2.000') }) as Decimal;
    expect(m.toString()).toBe('0.100');
    const withInt = evaluate(
      E.arith('+', E.col('A'), E.col('I')),
      cols,
      row({ A: Decimal.parse('10.01'), I: 5 }),
    ) as Decimal;
    expect(withInt.toString()).toBe('15.01');
  });

  it('fails a DECIMAL division by zero or one that needs rounding', () => {
    const c = compile(E.arith('/', E.col('A'), E.col('B')), cols);
    expect(() => c.evaluate(row({ A: Decimal.parse('1.00'), B: Decimal.parse('0.000') }))).toThrow(
      EvaluationError,
    );
    const third = compile(E.arith('/', E.dec('1.0'), E.dec('3.0')));
    expect(() => third.evaluate([])).toThrow('Rounding necessary');
  });

  it('mixes DECIMAL and DOUBLE as DOUBLE', () => {
    expect(calc('+', 'A', 'D', { A: Decimal.parse('10.01'), D: 5.1 })).toBeCloseTo(15.11, 10);
  });

  it('concatenates STRING + STRING', () => {
    expect(evaluate(E.arith('+', E.col('S'), E.str('!')), cols, row({ S: 'hi' }))).toBe('hi!');
  });

  it('refuses other operand types with ksqlDB’s message and the expression’s position', () => {
    const bad = () => compile(E.arith('+', E.col('I'), E.str('a'), at(1, 20)), cols);
    expect(bad).toThrow(KsqlError);
    expect(bad).toThrow(
      "line 1:20: Error processing expression: (I + 'a'). Unsupported arithmetic types. INTEGER STRING",
    );
    expect(() => compile(E.arith('+', E.bool(true), E.dec('1.5')))).toThrow(
      'Error processing expression: (true + 1.5). Unsupported arithmetic types. BOOLEAN DECIMAL',
    );
    expect(() => compile(E.arith('-', E.col('S'), E.col('S')), cols)).toThrow(
      'Unsupported arithmetic types. STRING STRING',
    );
  });

  it('refuses arithmetic with an untyped NULL', () => {
    expect(() => compile(E.arith('+', E.int(1), E.nul()))).toThrow(
      'Arithmetic on types INTEGER and null are not supported.',
    );
  });

  it('negates each number type', () => {
    expect(
      (evaluate(E.neg(E.col('A')), cols, row({ A: Decimal.parse('10.12') })) as Decimal).toString(),
    ).toBe('-10.12');
    expect(evaluate(E.neg(E.col('D')), cols, row({ D: 2.5 }))).toBe(-2.5);
    expect(evaluate(E.neg(E.col('D')), cols, row({}))).toBeNull();
    expect(() => compile(E.neg(E.col('S')), cols)).toThrow(KsqlError);
  });
});

describe('|| concatenation', () => {
  it('joins strings and skips NULLs as CONCAT does', () => {
    expect(evaluate(E.concat(E.str('a'), E.col('S')), cols, row({ S: 'b' }))).toBe('ab');
    expect(evaluate(E.concat(E.str('a'), E.col('S')), cols, row({}))).toBe('a');
  });

  it('refuses non-strings', () => {
    expect(() => compile(E.concat(E.str('a'), E.col('I')), cols)).toThrow(
      "Function 'concat' does not accept parameters (STRING, INTEGER).",
    );
  });
});

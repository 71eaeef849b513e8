import { describe, expect, it } from 'vitest';
import { KsqlError } from '../../src/errors.js';
import { compileExpression } from '../../src/expr/compile.js';
import { formatSqlType, SqlTypes } from '../../src/types/sql-type.js';
import { at, compile, E, evaluate, registry, scopeOf } from './builder.js';

const cols = [
  ['X', SqlTypes.INTEGER],
  ['ARR', SqlTypes.array(SqlTypes.INTEGER)],
  ['M', SqlTypes.map(SqlTypes.STRING, SqlTypes.INTEGER)],
] as const;

describe('column references', () => {
  it('read the column at its index in the row', () => {
    expect(evaluate(E.col('X'), cols, [7, null, null])).toBe(7);
    expect(evaluate(E.col('X'), cols, [undefined, null, null])).toBeNull();
  });

  it('resolve qualified references through the scope', () => {
    const c = compileExpression(E.col('X', undefined, 'S'), scopeOf(cols, 'S'), registry);
    expect(c.evaluate([3, null, null])).toBe(3);
  });

  it('report an unknown column at its position, as ksqlDB words it', () => {
    const unknown = () => compile(E.col('FOO', at(1, 15)), cols);
    expect(unknown).toThrow(KsqlError);
    expect(unknown).toThrow("line 1:15: Column 'FOO' cannot be resolved.");
    try {
      unknown();
    } catch (err) {
      expect((err as KsqlError).position).toEqual({ line: 1, column: 15 });
    }
  });

  it('name the clause when the caller gives one, and the qualifier', () => {
    expect(() =>
      compileExpression(E.col('BOB', undefined, 'I'), scopeOf(cols), registry, { clause: 'SELECT' }),
    ).toThrow("SELECT column 'I.BOB' cannot be resolved.");
  });

  it('refuse a bare NULL, which has no type', () => {
    expect(() => compile(E.nul())).toThrow(
      "Can't infer a type of null. Please explicitly cast it to a required type, e.g. CAST(null AS VARCHAR).",
    );
  });
});

describe('lambdas', () => {
  it('type their parameters from the collection and shadow columns of the same name', () => {
    // X is both a column and the lambda parameter: the parameter wins inside the lambda
    const e = E.call('TRANSFORM', E.col('ARR'), E.lambda(['X'], E.arith('*', E.col('X'), E.int(10))));
    const c = compile(e, cols);
    expect(formatSqlType(c.type)).toBe('ARRAY<INTEGER>');
    expect(c.evaluate([5, [1, 2, 3], null])).toEqual([10, 20, 30]);
  });

  it('read columns that are not shadowed', () => {
    const e = E.call('TRANSFORM', E.col('ARR'), E.lambda(['V'], E.arith('+', E.col('V'), E.col('X'))));
    expect(evaluate(e, cols, [100, [1, 2], null])).toEqual([101, 102]);
  });

  it('nest, inner lambdas seeing outer parameters', () => {
    const inner = E.call('TRANSFORM', E.col('ARR'), E.lambda(['Y'], E.arith('*', E.col('Y'), E.col('Z'))));
    const e = E.call('TRANSFORM', E.col('ARR'), E.lambda(['Z'], E.call('ARRAY_MAX', inner)));
    expect(evaluate(e, cols, [0, [1, 2], null])).toEqual([2, 4]);
  });

  it('bind the result type of the lambda (TRANSFORM to strings)', () => {
    const e = E.call('TRANSFORM', E.col('ARR'), E.lambda(['V'], E.cast(E.col('V'), SqlTypes.STRING)));
    expect(formatSqlType(compile(e, cols).type)).toBe('ARRAY<STRING>');
  });

  it('are only valid as function arguments', () => {
    expect(() => compile(E.lambda(['A'], E.col('A')))).toThrow(KsqlError);
  });
});

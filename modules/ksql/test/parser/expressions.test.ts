import { describe, expect, it } from 'vitest';
import type { Expression, ExpressionOf } from '../../src/parser/ast.js';
import { parseExpression } from '../../src/parser/index.js';
import { SqlTypes } from '../../src/types/sql-type.js';
import { show, strip } from './parse-helpers.js';

const e = (text: string) => show(parseExpression(text));
function as<K extends Expression['kind']>(x: Expression, kind: K): ExpressionOf<K> {
  expect(x.kind).toBe(kind);
  return x as ExpressionOf<K>;
}

describe('expression precedence', () => {
  it('OR binds loosest, then AND, then NOT, then comparisons', () => {
    expect(e('a OR b AND NOT c = 1')).toBe('(A OR (B AND (NOT (C = 1))))');
    expect(e('NOT a AND b')).toBe('((NOT A) AND B)');
    expect(e('a AND b OR c AND d')).toBe('((A AND B) OR (C AND D))');
  });

  it('unary minus binds tighter than *, which binds tighter than +', () => {
    expect(e('-a * b + c')).toBe('(((-A) * B) + C)');
    expect(e('a + b * c % d - e / f')).toBe('((A + ((B * C) % D)) - (E / F))');
    expect(e('a - b - c')).toBe('((A - B) - C)');
  });

  it('|| binds looser than + and -, and comparisons looser than both', () => {
    expect(e("'x' || a + 1")).toBe("('x' || (A + 1))");
    expect(e('a + 1 > b || c')).toBe('((A + 1) > (B || C))');
  });

  it('parentheses override precedence', () => {
    expect(e('(a OR b) AND c')).toBe('((A OR B) AND C)');
    expect(e('-(a + b) * c')).toBe('((-(A + B)) * C)');
  });

  it('predicates: BETWEEN, IN, LIKE with ESCAPE, IS [NOT] NULL, IS [NOT] DISTINCT FROM', () => {
    expect(e('a NOT BETWEEN 1 AND b + 1 AND c')).toBe('((A NOT BETWEEN 1 AND (B + 1)) AND C)');
    const inList = as(parseExpression("x NOT IN (1, 'a', y)"), 'InList');
    expect(inList.not).toBe(true);
    expect(inList.list.map(show)).toEqual(['1', "'a'", 'Y']);
    const like = as(parseExpression("name LIKE '%a!%' ESCAPE '!'"), 'Like');
    expect(like).toMatchObject({ not: false, escape: '!' });
    expect(e('a IS NOT NULL OR b IS NULL')).toBe('((A IS NOT NULL) OR (B IS NULL))');
    expect(strip(parseExpression('a IS NOT DISTINCT FROM b'))).toEqual({
      kind: 'IsDistinctFrom',
      not: true,
      left: { kind: 'ColumnRef', name: 'A' },
      right: { kind: 'ColumnRef', name: 'B' },
    });
  });

  it('all comparison operators, != as <>', () => {
    for (const op of ['=', '<>', '<', '<=', '>', '>='])
      expect(as(parseExpression(`a ${op} b`), 'Comparison').op).toBe(op);
    expect(as(parseExpression('a != b'), 'Comparison').op).toBe('<>');
  });
});

describe('primary expressions', () => {
  it('CASE searched and simple, with and without ELSE', () => {
    const searched = as(
      parseExpression("CASE WHEN a > 1 THEN 'big' WHEN a < 0 THEN 'neg' ELSE 'small' END"),
      'SearchedCase',
    );
    expect(searched.whens).toHaveLength(2);
    expect(searched.else && show(searched.else)).toBe("'small'");
    const simple = as(parseExpression("CASE x WHEN 1 THEN 'one' END"), 'SimpleCase');
    expect(show(simple.operand)).toBe('X');
    expect(simple.else).toBeUndefined();
  });

  it('CAST to every kind of type', () => {
    expect(as(parseExpression('CAST(a AS DECIMAL(4, 2))'), 'Cast').type).toEqual(SqlTypes.decimal(4, 2));
    expect(as(parseExpression('CAST(a AS ARRAY<MAP<STRING, INT>>)'), 'Cast').type).toEqual(
      SqlTypes.array(SqlTypes.map(SqlTypes.STRING, SqlTypes.INTEGER)),
    );
  });

  it('ARRAY, MAP and STRUCT constructors (empty ones too)', () => {
    expect(as(parseExpression('ARRAY[1, 2, a]'), 'ArrayConstructor').items).toHaveLength(3);
    expect(as(parseExpression('ARRAY[]'), 'ArrayConstructor').items).toHaveLength(0);
    const map = as(parseExpression("MAP('a' := 1, 'b' := x + 1)"), 'MapConstructor');
    expect(map.entries.map((en) => [show(en.key), show(en.value)])).toEqual([
      ["'a'", '1'],
      ["'b'", '(X + 1)'],
    ]);
    const struct = as(parseExpression('STRUCT(f1 := 1, `f2` := a)'), 'StructConstructor');
    expect(struct.fields.map((f) => f.name)).toEqual(['F1', 'f2']);
  });

  it('function calls: COUNT(*), no arguments, window-unit arguments, trailing lambdas', () => {
    expect(strip(parseExpression('count(*)'))).toEqual({
      kind: 'FunctionCall',
      name: 'COUNT',
      args: [],
      star: true,
    });
    expect(as(parseExpression('now()'), 'FunctionCall').args).toEqual([]);
    const add = as(parseExpression('TIMESTAMPADD(MILLISECONDS, 5, ts)'), 'FunctionCall');
    expect(strip(add.args[0])).toEqual({ kind: 'IntervalUnit', unit: 'MILLISECONDS' });
    const reduce = as(parseExpression('REDUCE(arr, 0, (s, x) => s + x)'), 'FunctionCall');
    expect(reduce.args.map(show)).toEqual(['ARR', '0']);
    expect(reduce.lambdas).toHaveLength(1);
    const lambda = as(reduce.lambdas?.[0] as Expression, 'Lambda');
    expect(lambda.params).toEqual(['S', 'X']);
    expect(show(lambda.body)).toBe('(S + X)');
    const transform = as(parseExpression('TRANSFORM(m, (k, v) => k, (k, v) => v * 2)'), 'FunctionCall');
    expect(transform.lambdas).toHaveLength(2);
    expect(as(parseExpression('FILTER(a, x => x > 1)'), 'FunctionCall').lambdas).toHaveLength(1);
  });

  it('subscripts, dereferences, qualified columns and their combinations', () => {
    expect(e('a[1]')).toBe('A[1]');
    expect(e("m['k']->f[2]")).toBe("M['k']->F[2]");
    expect(e('s.col->mid->leaf')).toBe('S.COL->MID->LEAF');
    expect(e('f(x)[1]')).toBe('F(X)[1]');
  });

  it('typed literals keep the text; keywords that are identifiers work as columns', () => {
    expect(strip(parseExpression("DATE '2021-01-01'"))).toEqual({
      kind: 'TypedLiteral',
      typeName: 'DATE',
      text: '2021-01-01',
    });
    expect(e('key + timestamp')).toBe('(KEY + TIMESTAMP)');
    expect(e('map')).toBe('MAP');
  });
});

describe('literals', () => {
  it('integers: INTEGER within 32 bits, BIGINT beyond, an error beyond 64 bits', () => {
    expect(strip(parseExpression('2147483647'))).toEqual({
      kind: 'IntegerLiteral',
      value: 2147483647,
      type: 'INTEGER',
    });
    expect(strip(parseExpression('2147483648'))).toEqual({
      kind: 'IntegerLiteral',
      value: 2147483648,
      type: 'BIGINT',
    });
    expect(strip(parseExpression('-2147483648'))).toEqual({
      kind: 'IntegerLiteral',
      value: -2147483648,
      type: 'INTEGER',
    });
    expect(strip(parseExpression('-9223372036854775808'))).toMatchObject({
      kind: 'IntegerLiteral',
      type: 'BIGINT',
    });
    expect(() => parseExpression('9223372036854775808')).toThrow(
      'Invalid numeric literal: 9223372036854775808',
    );
  });

  it('decimals keep their exact text; scientific notation is DOUBLE', () => {
    expect(strip(parseExpression('1.50'))).toEqual({ kind: 'DecimalLiteral', text: '1.50' });
    expect(strip(parseExpression('-0.1'))).toEqual({ kind: 'DecimalLiteral', text: '-0.1' });
    expect(strip(parseExpression('.5'))).toEqual({ kind: 'DecimalLiteral', text: '.5' });
    expect(strip(parseExpression('1.5E3'))).toEqual({ kind: 'DoubleLiteral', value: 1500 });
    expect(strip(parseExpression('2e-2'))).toEqual({ kind: 'DoubleLiteral', value: 0.02 });
    expect(() => parseExpression('1.7976931348623159E308')).toThrow('Number overflows DOUBLE');
  });

  it("strings in single quotes with '' for a quote; booleans and NULL in any case", () => {
    expect(strip(parseExpression("'it''s'"))).toEqual({ kind: 'StringLiteral', value: "it's" });
    expect(strip(parseExpression("''"))).toEqual({ kind: 'StringLiteral', value: '' });
    expect(strip(parseExpression('true'))).toEqual({ kind: 'BooleanLiteral', value: true });
    expect(strip(parseExpression('False'))).toEqual({ kind: 'BooleanLiteral', value: false });
    expect(strip(parseExpression('null'))).toEqual({ kind: 'NullLiteral' });
  });

  it('a negative literal is a literal, a negated column a Negate', () => {
    expect(parseExpression('-5').kind).toBe('IntegerLiteral');
    expect(strip(parseExpression('-x'))).toEqual({
      kind: 'Negate',
      sign: '-',
      operand: { kind: 'ColumnRef', name: 'X' },
    });
    expect(strip(parseExpression('+x'))).toMatchObject({ kind: 'Negate', sign: '+' });
    expect(e('a - 5')).toBe('(A - 5)');
  });
});

describe('identifiers', () => {
  it('unquoted are upper-cased, back-quoted and double-quoted kept exactly', () => {
    expect(strip(parseExpression('myCol'))).toEqual({ kind: 'ColumnRef', name: 'MYCOL' });
    expect(strip(parseExpression('`myCol`'))).toEqual({ kind: 'ColumnRef', name: 'myCol' });
    expect(strip(parseExpression('"my Col"'))).toEqual({ kind: 'ColumnRef', name: 'my Col' });
    expect(strip(parseExpression('`a``b`'))).toEqual({ kind: 'ColumnRef', name: 'a`b' });
    expect(strip(parseExpression('`S`.`x`'))).toEqual({ kind: 'ColumnRef', name: 'x', qualifier: 'S' });
  });

  it('identifiers may contain @ and start with a digit', () => {
    expect(strip(parseExpression('a@b'))).toEqual({ kind: 'ColumnRef', name: 'A@B' });
    expect(strip(parseExpression('1abc'))).toEqual({ kind: 'ColumnRef', name: '1ABC' });
  });

  it('positions are 1-based lines and columns', () => {
    const cmp = as(parseExpression('a\n  = b'), 'Comparison');
    expect(cmp.pos).toEqual({ line: 2, column: 3 });
    expect(cmp.right.pos).toEqual({ line: 2, column: 5 });
  });
});

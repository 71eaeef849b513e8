import { describe, expect, it } from 'vitest';
import { formatSqlType, SqlTypes } from '../../src/types/sql-type.js';
import { Decimal } from '../../src/values/decimal.js';
import { compile, compileCollecting, E, evaluate } from './builder.js';

const person = SqlTypes.struct([
  { name: 'NAME', type: SqlTypes.STRING },
  { name: 'ADDR', type: SqlTypes.struct([{ name: 'CITY', type: SqlTypes.STRING }]) },
]);
const cols = [
  ['ARR', SqlTypes.array(SqlTypes.STRING)],
  ['NESTED', SqlTypes.array(SqlTypes.array(SqlTypes.INTEGER))],
  ['M', SqlTypes.map(SqlTypes.STRING, SqlTypes.INTEGER)],
  ['P', person],
  ['I', SqlTypes.INTEGER],
  ['DM', SqlTypes.map(SqlTypes.decimal(3, 1), SqlTypes.STRING)],
] as const;
type Col = (typeof cols)[number][0];
const row = (v: Partial<Record<Col, unknown>>) => cols.map(([n]) => v[n] ?? null);

describe('array subscripts', () => {
  const at = (i: number, arr: unknown = ['a', 'b', 'c']) =>
    evaluate(E.sub(E.col('ARR'), E.int(i)), cols, row({ ARR: arr }));

  it('are 1-based and count from the end when negative', () => {
    expect(at(1)).toBe('a');
    expect(at(3)).toBe('c');
    expect(at(-1)).toBe('c');
    expect(at(-3)).toBe('a');
  });

  it('are NULL out of range, at 0, for a NULL array or index', () => {
    expect(at(0)).toBeNull();
    expect(at(4)).toBeNull();
    expect(at(-4)).toBeNull();
    expect(at(1, null)).toBeNull();
    expect(evaluate(E.sub(E.col('ARR'), E.col('I')), cols, row({ ARR: ['a'] }))).toBeNull();
  });

  it('chain through nested arrays, NULL inner arrays giving NULL', () => {
    const e = E.sub(E.sub(E.col('NESTED'), E.int(1)), E.int(2));
    expect(evaluate(e, cols, row({ NESTED: [[0, 1], [2]] }))).toBe(1);
    expect(evaluate(e, cols, row({ NESTED: [null, [2]] }))).toBeNull();
  });

  it('refuse a non-integer index', () => {
    expect(() => compile(E.sub(E.col('ARR'), E.str('x')), cols)).toThrow('Array index must be an INTEGER');
  });
});

describe('map subscripts', () => {
  it('look keys up, NULL when absent or the map is NULL', () => {
    const m = new Map([['expected', 10]]);
    expect(evaluate(E.sub(E.col('M'), E.str('expected')), cols, row({ M: m }))).toBe(10);
    expect(evaluate(E.sub(E.col('M'), E.str('missing')), cols, row({ M: m }))).toBeNull();
    expect(evaluate(E.sub(E.col('M'), E.str('expected')), cols, row({}))).toBeNull();
  });

  it('refuse a key of another type (no implicit parsing or narrowing)', () => {
    expect(() => compile(E.sub(E.col('M'), E.int(1)), cols)).toThrow(
      'Map key must be STRING, but 1 is INTEGER.',
    );
  });

  it('find DECIMAL keys by value', () => {
    const m = new Map([[Decimal.parse('1.5'), 'x']]);
    expect(evaluate(E.sub(E.col('DM'), E.dec('1.50')), cols, row({ DM: m }))).toBe('x');
  });

  it('refuse to subscript a struct, pointing at the dereference operator', () => {
    expect(() => compile(E.sub(E.col('P'), E.str('NAME')), cols)).toThrow(
      "Use the dereference operator for STRUCTS: P->'NAME'",
    );
  });
});

describe('struct dereference', () => {
  it('reads fields, nested, NULL through NULL structs', () => {
    const city = E.deref(E.deref(E.col('P'), 'ADDR'), 'CITY');
    expect(evaluate(city, cols, row({ P: { NAME: 'n', ADDR: { CITY: 'Oslo' } } }))).toBe('Oslo');
    expect(evaluate(city, cols, row({ P: { NAME: 'n', ADDR: null } }))).toBeNull();
    expect(evaluate(city, cols, row({}))).toBeNull();
    expect(formatSqlType(compile(city, cols).type)).toBe('STRING');
  });

  it('refuses unknown fields', () => {
    expect(() => compile(E.deref(E.col('P'), 'AGE'), cols)).toThrow("Could not find field 'AGE' in 'P'.");
  });
});

describe('constructors', () => {
  it('build arrays of the common element type', () => {
    const c = compile(E.array(E.int(1), E.nul(), E.dec('2.5')));
    expect(formatSqlType(c.type)).toBe('ARRAY<DECIMAL(11, 1)>');
    expect((c.evaluate([]) as (Decimal | null)[]).map((d) => d?.toString() ?? null)).toEqual([
      '1.0',
      null,
      '2.5',
    ]);
  });

  it('build maps, a later duplicate key winning', () => {
    const c = compile(E.map([E.str('a'), E.int(1)], [E.str('b'), E.bigint(2)], [E.str('a'), E.int(3)]));
    expect(formatSqlType(c.type)).toBe('MAP<STRING, BIGINT>');
    expect([...(c.evaluate([]) as Map<string, number>)]).toEqual([
      ['a', 3],
      ['b', 2],
    ]);
  });

  it('build structs with fields in the order written', () => {
    const c = compile(E.struct(['B', E.int(1)], ['A', E.col('ARR')]), cols);
    expect(formatSqlType(c.type)).toBe('STRUCT<`B` INTEGER, `A` ARRAY<STRING>>');
    expect(Object.keys(c.evaluate(row({ ARR: ['x'] })) as object)).toEqual(['B', 'A']);
  });

  it('refuse empty and all-NULL constructors and duplicate struct fields with ksqlDB’s messages', () => {
    expect(() => compile(E.array())).toThrow('Array constructor cannot be empty.');
    expect(() => compile(E.array(E.nul()))).toThrow('Cannot construct an array with all NULL elements');
    expect(() => compile(E.map())).toThrow('Map constructor cannot be empty.');
    expect(() => compile(E.map([E.nul(), E.int(1)]))).toThrow('Cannot construct a map with all NULL keys');
    expect(() => compile(E.map([E.str('a'), E.nul()]))).toThrow(
      'Cannot construct a map with all NULL values',
    );
    expect(() => compile(E.struct(['A', E.int(1)], ['A', E.int(2)]))).toThrow(
      'Duplicate field names found in STRUCT',
    );
    expect(() => compile(E.array(E.int(1), E.str('x')))).toThrow(
      'invalid input syntax for type INTEGER: "x".',
    );
    expect(() => compile(E.array(E.int(1), E.bool(true)))).toThrow(
      'operator does not exist: INTEGER = BOOLEAN (true)',
    );
  });

  it('read string literals as the numbers they spell, widening as needed', () => {
    const c = compile(E.array(E.int(1), E.str('2'), E.str('2147483648')));
    expect(formatSqlType(c.type)).toBe('ARRAY<BIGINT>');
    expect(c.evaluate([])).toEqual([1, 2, 2147483648]);
    const d = compile(E.array(E.int(1), E.str('2e1')));
    expect(formatSqlType(d.type)).toBe('ARRAY<DECIMAL(10, 0)>');
    expect((d.evaluate([]) as Decimal[]).map(String)).toEqual(['1', '20']);
  });

  it('turn other literals into strings in a list of strings', () => {
    const c = compile(E.array(E.str('a'), E.int(10), E.dec('10.30'), E.bool(true)));
    expect(c.evaluate([])).toEqual(['a', '10', '10.30', 'true']);
  });

  it('give struct constructors naming different fields a type with all of them (later fields first, as ksqlDB)', () => {
    const c = compile(E.array(E.struct(['X', E.int(1)]), E.struct(['Y', E.str('y')], ['X', E.bigint(2)])));
    expect(formatSqlType(c.type)).toBe('ARRAY<STRUCT<`Y` STRING, `X` BIGINT>>');
    expect(c.evaluate([])).toEqual([
      { X: 1, Y: null },
      { X: 2, Y: 'y' },
    ]);
  });

  it('coerce map keys and values separately', () => {
    const c = compile(E.map([E.str('a'), E.int(1)], [E.int(10), E.str('2')]));
    expect(formatSqlType(c.type)).toBe('MAP<STRING, INTEGER>');
    expect([...(c.evaluate([]) as Map<string, number>)]).toEqual([
      ['a', 1],
      ['10', 2],
    ]);
  });
});

describe('failures inside constructors', () => {
  it('make that element NULL, reported, as ksqlDB’s nested error handling', () => {
    const { compiled, errors } = compileCollecting(
      E.array(E.col('I'), E.arith('/', E.int(1), E.col('I'))),
      cols,
    );
    expect(compiled.evaluate(row({ I: 0 }))).toEqual([0, null]);
    expect(errors).toHaveLength(1);
    expect(errors[0].message).toBe('/ by zero');
    expect(compiled.evaluate(row({ I: 1 }))).toEqual([1, 1]);
  });
});

import { describe, expect, it } from 'vitest';
import { KsqlError } from '../../../src/errors.js';
import type { AggregateFactory } from '../../../src/function/function-types.js';
import { createFunctionRegistry, P } from '../../../src/function/registry.js';
import { SqlTypes } from '../../../src/types/sql-type.js';
import { compileExpression } from '../../../src/expr/compile.js';
import { compile, E, evaluate, registry, scopeOf } from '../../expr/builder.js';

describe('the function registry', () => {
  it('resolves scalar functions case-insensitively', () => {
    expect(registry.getScalar('substring')?.name).toBe('SUBSTRING');
    expect(evaluate(E.call('ucase', E.str('a')))).toBe('A');
  });

  it('reports unknown functions as ksqlDB does', () => {
    expect(() => compile(E.call('WONT_FIND_ME', E.int(1)))).toThrow(
      "Can't find any functions with the name 'WONT_FIND_ME'",
    );
    expect(() => registry.resolveAggregate('NOPE', [], [])).toThrow(KsqlError);
  });

  it('describes functions with one signature per variant', () => {
    const d = registry.describe('substring');
    expect(d?.kind).toBe('SCALAR');
    expect(d?.category).toBe('STRING');
    expect(d?.variants.map((v) => v.signature)).toContain(
      'SUBSTRING(str STRING, pos INTEGER, len INTEGER) => STRING',
    );
    expect(registry.describe('concat')?.variants[0].signature).toBe('CONCAT(STRING...) => STRING');
    expect(registry.describe('transform')?.variants[0].signature).toBe(
      'TRANSFORM(ARRAY<T>, LAMBDA<(T) => U>) => ANY',
    );
  });

  it('lists every function sorted by name', () => {
    const names = registry.list().map((f) => f.name);
    expect(names).toEqual([...names].sort());
    for (const n of ['ABS', 'CONCAT', 'EXTRACTJSONFIELD', 'PARSE_TIMESTAMP', 'REDUCE', 'TIMESTAMPTOSTRING'])
      expect(names).toContain(n);
  });

  it('serves the aggregates it is given', () => {
    const fake: AggregateFactory = {
      description: {
        name: 'MY_SUM',
        kind: 'AGGREGATE',
        description: 'sums',
        category: 'AGGREGATE',
        variants: [],
      },
      create: (argTypes) => ({
        name: 'MY_SUM',
        returnType: argTypes[0],
        initialize: () => 0,
        aggregate: (args, acc: number) => acc + (args[0] as number),
        merge: (a: number, b: number) => a + b,
        result: (acc) => acc,
      }),
    } as AggregateFactory;
    const r = createFunctionRegistry(new Map([['my_sum', fake]]));
    expect(r.isAggregate('MY_SUM')).toBe(true);
    expect(r.isAggregate('ABS')).toBe(false);
    const f = r.resolveAggregate('my_sum', [SqlTypes.INTEGER], []);
    expect(f.result(f.aggregate([2], f.initialize()))).toBe(2);
    expect(r.describe('MY_SUM')?.kind).toBe('AGGREGATE');
  });

  it('accepts user-defined scalar functions', () => {
    const r = createFunctionRegistry();
    r.registerScalar({
      name: 'TWICE',
      category: 'OTHER',
      description: 'doubles',
      variants: [
        { params: [P.BIGINT], returns: SqlTypes.BIGINT, implement: () => (a) => (a[0] as number) * 2 },
      ],
    });
    expect(r.getScalar('twice')).toBeDefined();
  });

  it('accepts user-defined aggregates and hands them the query properties', () => {
    const r = createFunctionRegistry(new Map());
    let seen: Readonly<Record<string, string>> | undefined;
    r.registerAggregate('cfg', {
      description: { name: 'CFG', kind: 'AGGREGATE', description: '', category: 'AGGREGATE', variants: [] },
      create: (_types, _literals, _pos, properties) => {
        seen = properties;
        return registry.resolveAggregate('COUNT', [], []);
      },
    });
    expect(r.isAggregate('CFG')).toBe(true);
    r.resolveAggregate('cfg', [], [], undefined, { 'my.prop': '7' });
    expect(seen).toEqual({ 'my.prop': '7' });
  });

  it('configures COLLECT_LIST with the query property ksql.functions.collect_list.limit', () => {
    const f = registry.resolveAggregate('COLLECT_LIST', [SqlTypes.INTEGER], [], undefined, {
      'ksql.functions.collect_list.limit': '2',
    });
    let acc = f.initialize();
    for (const v of [1, 2, 3]) acc = f.aggregate([v], acc);
    expect(f.result(acc)).toEqual([1, 2]);
  });
});

describe('variant resolution', () => {
  it('prefers the exact variant, else the narrowest widening', () => {
    expect(evaluate(E.call('ABS', E.int(-2)))).toBe(2);
    // LN has only a DOUBLE variant: an INTEGER widens
    expect(evaluate(E.call('LN', E.int(1)))).toBe(0);
  });

  it('lists the argument types when no variant accepts them', () => {
    expect(() => compile(E.call('SUBSTRING', E.int(1), E.int(1)))).toThrow(
      "Function 'substring' does not accept parameters (INTEGER, INTEGER).",
    );
  });

  it('refuses arguments that several variants accept only by conversion, as ambiguous', () => {
    expect(() => compile(E.call('GREATEST', E.int(1), E.bigint(2)))).toThrow(
      "Function 'greatest' cannot be resolved due to ambiguous method parameters (INTEGER, BIGINT).",
    );
    expect(() => compile(E.call('LEN', E.nul()))).toThrow('ambiguous method parameters (null)');
    expect(evaluate(E.call('GREATEST', E.bigint(1), E.bigint(2)))).toBe(2);
  });

  it('accepts an untyped NULL for any parameter, the result then NULL', () => {
    expect(evaluate(E.call('UCASE', E.nul()))).toBeNull();
  });
});

describe('aggregates reaching the expression compiler', () => {
  it('are named as misplaced aggregates, not unknown functions', () => {
    const fake = {
      description: { name: 'SUMX', kind: 'AGGREGATE', description: '', category: 'AGGREGATE', variants: [] },
      create: () => {
        throw new Error('unused');
      },
    } as unknown as AggregateFactory;
    const r = createFunctionRegistry(new Map([['SUMX', fake]]));
    const c = () => compileExpression(E.call('SUMX', E.int(1)), scopeOf([]), r);
    expect(c).toThrow('Aggregate function SUMX is not allowed here: SUMX(1)');
  });
});

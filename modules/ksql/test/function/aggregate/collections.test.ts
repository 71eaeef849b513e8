import { describe, expect, it } from 'vitest';
import { aggregateFunctions } from '../../../src/function/aggregate/index.js';
import { SqlTypes } from '../../../src/types/sql-type.js';
import { Decimal } from '../../../src/values/decimal.js';
import { bind, fold, run, unfold } from './helpers.js';

const { INTEGER, BIGINT, DOUBLE, STRING } = SqlTypes;

describe('COLLECT_LIST', () => {
  it('collects every value in arrival order, nulls included', () => {
    const f = bind('COLLECT_LIST', [STRING]);
    expect(f.returnType).toEqual(SqlTypes.array(STRING));
    expect(run(f, ['a', null, 'a'])).toEqual(['a', null, 'a']);
  });

  it('stops at the configured limit, none when unset or negative (as ksqlDB)', () => {
    expect(
      run(bind('COLLECT_LIST', [INTEGER], [], { 'ksql.functions.collect_list.limit': '1' }), [0, 100]),
    ).toEqual([0]);
    const many = Array.from({ length: 1005 }, (_, i) => i);
    expect((run(bind('COLLECT_LIST', [INTEGER]), many) as unknown[]).length).toBe(1005);
    const unlimited = bind('COLLECT_LIST', [INTEGER], [], { 'ksql.functions.collect_list.limit': '-1' });
    expect((run(unlimited, many) as unknown[]).length).toBe(1005);
  });

  it('undo removes the last equal value (deep equality for structured values)', () => {
    const f = bind('COLLECT_LIST', [SqlTypes.array(INTEGER)]);
    const acc = fold(f, [[1], [2], [1]]);
    expect(f.result(unfold(f, [[1]], acc))).toEqual([[1], [2]]);
    expect(f.result(unfold(f, [[3]], acc))).toEqual([[1], [2], [1]]);
  });

  it('never changes the accumulator it is given', () => {
    const f = bind('COLLECT_LIST', [INTEGER]);
    const acc = fold(f, [1]);
    f.aggregate([2], acc);
    f.undo!([1], acc);
    expect(acc).toEqual([1]);
  });

  it('merge appends the second session up to the limit', () => {
    const f = bind('COLLECT_LIST', [INTEGER], [], { 'ksql.functions.collect_list.limit': '3' });
    expect(f.merge(fold(f, [1, 2]), fold(f, [3, 4]))).toEqual([1, 2, 3]);
  });
});

describe('COLLECT_SET', () => {
  it('keeps distinct values in first-arrival order, decimals compared by value and scale', () => {
    expect(run(bind('COLLECT_SET', [STRING]), ['b', 'a', 'b', null, null])).toEqual(['b', 'a', null]);
    const dec = run(bind('COLLECT_SET', [SqlTypes.decimal(4, 1)]), [
      Decimal.parse('1.5'),
      Decimal.parse('1.5'),
    ]);
    expect((dec as Decimal[]).map(String)).toEqual(['1.5']);
    const maps = run(bind('COLLECT_SET', [SqlTypes.map(STRING, INTEGER)]), [
      new Map([['a', 1]]),
      new Map([['a', 1]]),
    ]);
    expect(maps).toEqual([new Map([['a', 1]])]);
  });

  it('respects its limit, merges without duplicates, and is stream-only', () => {
    const f = bind('COLLECT_SET', [INTEGER], [], { 'ksql.functions.collect_set.limit': '2' });
    expect(run(f, [1, 2, 3])).toEqual([1, 2]);
    const g = bind('COLLECT_SET', [INTEGER]);
    expect(g.merge(fold(g, [1, 2]), fold(g, [2, 3]))).toEqual([1, 2, 3]);
    expect(g.undo).toBeUndefined();
  });
});

describe('HISTOGRAM', () => {
  it('counts each string, in first-arrival order', () => {
    const f = bind('HISTOGRAM', [STRING]);
    expect(f.returnType).toEqual(SqlTypes.map(STRING, BIGINT));
    expect(run(f, ['baz', 'baz', 'foo'])).toEqual(
      new Map([
        ['baz', 2],
        ['foo', 1],
      ]),
    );
  });

  it('undo decrements and drops an entry at zero; merge adds counts', () => {
    const f = bind('HISTOGRAM', [STRING]);
    const acc = fold(f, ['a', 'b', 'b']);
    expect(f.result(unfold(f, ['a', 'b'], acc))).toEqual(new Map([['b', 1]]));
    expect(f.merge(acc, fold(f, ['a', 'c']))).toEqual(
      new Map([
        ['a', 2],
        ['b', 2],
        ['c', 1],
      ]),
    );
  });

  it('holds at most 1000 distinct strings but keeps counting known ones', () => {
    const f = bind('HISTOGRAM', [STRING]);
    const acc = fold(f, [...Array.from({ length: 1001 }, (_, i) => `k${i}`), 'k0']) as Map<string, number>;
    expect(acc.size).toBe(1000);
    expect(acc.has('k1000')).toBe(false);
    expect(acc.get('k0')).toBe(2);
  });

  it('takes strings only', () => {
    expect(() => bind('HISTOGRAM', [INTEGER])).toThrow(/does not accept parameters \(INTEGER\)/);
  });
});

describe('TOPK', () => {
  it('keeps the k largest values, largest first, nulls skipped', () => {
    const f = bind('TOPK', [INTEGER], [3]);
    expect(f.returnType).toEqual(SqlTypes.array(INTEGER));
    expect(run(f, [5, null, 1, 9, 7, 3])).toEqual([9, 7, 5]);
    expect(run(bind('TOPK', [STRING], [2]), ['b', 'c', 'a'])).toEqual(['c', 'b']);
  });

  it('with other columns, returns structs of the sort value and the record’s other values', () => {
    const f = bind('TOPK', [DOUBLE, STRING, INTEGER], [2]);
    expect(f.returnType).toEqual(
      SqlTypes.array(
        SqlTypes.struct([
          { name: 'sort_col', type: DOUBLE },
          { name: 'col0', type: STRING },
          { name: 'col1', type: INTEGER },
        ]),
      ),
    );
    let acc = f.initialize();
    acc = f.aggregate([1.5, 'a', 1], acc);
    acc = f.aggregate([3.5, 'b', 2], acc);
    acc = f.aggregate([2.5, 'c', null], acc);
    expect(f.result(acc)).toEqual([
      { sort_col: 3.5, col0: 'b', col1: 2 },
      { sort_col: 2.5, col0: 'c', col1: null },
    ]);
  });

  it('merges two sorted sessions into the top k', () => {
    const f = bind('TOPK', [BIGINT], [3]);
    expect(f.merge(fold(f, [10, 2]), fold(f, [7, 5]))).toEqual([10, 7, 5]);
  });

  it('needs a positive INT k and a sortable column', () => {
    expect(() => bind('TOPK', [INTEGER], [0])).toThrow(/k must be 1 or greater/);
    expect(() => bind('TOPK', [INTEGER], [])).toThrow(/last argument/);
    expect(() => bind('TOPK', [SqlTypes.BOOLEAN], [2])).toThrow(/does not accept parameters/);
  });
});

describe('TOPKDISTINCT', () => {
  it('keeps the k largest distinct values', () => {
    expect(run(bind('TOPKDISTINCT', [INTEGER], [3]), [5, 9, 5, 9, 1, 7])).toEqual([9, 7, 5]);
  });

  it('merges without repeating a value present in both sessions', () => {
    const f = bind('TOPKDISTINCT', [STRING], [3]);
    expect(f.merge(fold(f, ['d', 'b']), fold(f, ['d', 'c', 'a']))).toEqual(['d', 'c', 'b']);
  });
});

describe('COUNT_DISTINCT', () => {
  it('counts distinct non-null values (exact for small sets)', () => {
    const f = bind('COUNT_DISTINCT', [STRING]);
    expect(f.returnType).toEqual(BIGINT);
    expect(run(f, [])).toBe(0);
    expect(run(f, ['one', 'two', 'one', null, 'two'])).toBe(2);
  });

  it('stays within a few percent on a large set and merges sessions as a union', () => {
    const f = bind('COUNT_DISTINCT', [INTEGER]);
    const values = Array.from({ length: 50_000 }, (_, i) => i);
    const estimate = run(f, values) as number;
    expect(Math.abs(estimate - 50_000) / 50_000).toBeLessThan(0.03);
    const merged = f.result(f.merge(fold(f, [1, 2, 3]), fold(f, [3, 4]))) as number;
    expect(merged).toBe(4);
  });

  it('does not copy the sketch when a value changes nothing', () => {
    const f = bind('COUNT_DISTINCT', [STRING]);
    const acc = fold(f, ['x']);
    expect(f.aggregate(['x'], acc)).toBe(acc);
  });
});

describe('the registry map', () => {
  it('names each function by its upper-case name with a description', () => {
    for (const [name, f] of aggregateFunctions) {
      expect(f.description.name).toBe(name);
      expect(f.description.kind).toBe('AGGREGATE');
      expect(f.description.variants.length).toBeGreaterThan(0);
    }
    expect([...aggregateFunctions.keys()]).toEqual(
      expect.arrayContaining([
        'COUNT',
        'SUM',
        'AVG',
        'MIN',
        'MAX',
        'LATEST_BY_OFFSET',
        'EARLIEST_BY_OFFSET',
        'TOPK',
      ]),
    );
  });

  it('functions ksqlDB can run on tables have undo, the others do not', () => {
    const tableCapable = [
      'COUNT',
      'SUM',
      'SUM_LIST',
      'AVG',
      'COLLECT_LIST',
      'HISTOGRAM',
      'STDDEV_SAMP',
      'STDDEV_SAMPLE',
      'CORRELATION',
      'ATTR',
    ];
    for (const [name, f] of aggregateFunctions) {
      const literals = name.startsWith('TOPK') ? [1] : [];
      const type = name === 'HISTOGRAM' ? STRING : name === 'SUM_LIST' ? SqlTypes.array(INTEGER) : INTEGER;
      const bound = f.create(name === 'CORRELATION' ? [type, type] : [type], literals);
      expect(bound.undo !== undefined, name).toBe(tableCapable.includes(name));
    }
  });
});

describe('CORRELATION', () => {
  it('is the Pearson coefficient over rows where both values are present', () => {
    const f = bind('CORRELATION', [DOUBLE, DOUBLE]);
    let acc = f.initialize();
    for (const [x, y] of [
      [1, 2],
      [2, 4],
      [3, 6.5],
      [null, 1],
    ])
      acc = f.aggregate([x, y], acc);
    const xs = [1, 2, 3];
    const ys = [2, 4, 6.5];
    const mx = 2;
    const my = 12.5 / 3;
    const cov = xs.reduce((s, x, i) => s + (x - mx) * (ys[i]! - my), 0);
    const sx = Math.sqrt(xs.reduce((s, x) => s + (x - mx) ** 2, 0));
    const sy = Math.sqrt(ys.reduce((s, y) => s + (y - my) ** 2, 0));
    expect(f.result(acc)).toBeCloseTo(cov / (sx * sy), 12);
    expect(f.result(f.undo!([3, 6.5], acc))).toBeCloseTo(1, 12);
  });

  it('needs two columns of the same numeric type', () => {
    expect(() => bind('CORRELATION', [INTEGER, DOUBLE])).toThrow(
      /does not accept parameters \(INTEGER, DOUBLE\)/,
    );
    expect(bind('CORRELATION', [BIGINT, BIGINT]).returnType).toEqual(DOUBLE);
  });
});

describe('ATTR', () => {
  it('is the single value all rows share, NULL once two differ, and recovers on undo', () => {
    const f = bind('ATTR', [STRING]);
    expect(f.returnType).toEqual(STRING);
    const same = fold(f, ['a', 'a']);
    expect(f.result(same)).toBe('a');
    const mixed = f.aggregate(['b'], same);
    expect(f.result(mixed)).toBeNull();
    expect(f.result(unfold(f, ['b'], mixed))).toBe('a');
    expect(f.result(f.merge(fold(f, ['x']), fold(f, ['x'])))).toBe('x');
  });
});

import { describe, expect, it } from 'vitest';
import { SqlTypes } from '../../../src/types/sql-type.js';
import { bind, fold, run } from './helpers.js';

const { INTEGER, STRING } = SqlTypes;

describe('LATEST_BY_OFFSET', () => {
  it('returns the last non-null value by default', () => {
    const f = bind('LATEST_BY_OFFSET', [INTEGER]);
    expect(f.returnType).toEqual(INTEGER);
    expect(run(f, [])).toBeNull();
    expect(run(f, [1, 2, null])).toBe(2);
  });

  it('with ignoreNulls = false a trailing null wins', () => {
    expect(run(bind('LATEST_BY_OFFSET', [INTEGER], [false]), [1, null])).toBeNull();
    expect(run(bind('LATEST_BY_OFFSET', [INTEGER], [true]), [1, null])).toBe(1);
  });

  it('with n returns the last n values, oldest first, as an ARRAY', () => {
    const f = bind('LATEST_BY_OFFSET', [STRING], [2]);
    expect(f.returnType).toEqual(SqlTypes.array(STRING));
    expect(run(f, ['a', 'b', null, 'c'])).toEqual(['b', 'c']);
    expect(run(bind('LATEST_BY_OFFSET', [STRING], [2, false]), ['a', 'b', null])).toEqual(['b', null]);
  });

  it('merge keeps the later arrival; with ignoreNulls a value beats a later null', () => {
    const f = bind('LATEST_BY_OFFSET', [INTEGER]);
    const first = fold(f, [1]);
    const second = fold(f, [2]);
    expect(f.result(f.merge(second, first))).toBe(2);
    const g = bind('LATEST_BY_OFFSET', [INTEGER], [false]);
    const value = fold(g, [5]);
    const laterNull = fold(g, [null]);
    expect(g.result(g.merge(value, laterNull))).toBeNull();
    const n = bind('LATEST_BY_OFFSET', [INTEGER], [2]);
    const a = fold(n, [1, 2]);
    const b = fold(n, [3]);
    expect(n.result(n.merge(b, a))).toEqual([2, 3]);
  });

  it('is stream-only and checks its n', () => {
    expect(bind('LATEST_BY_OFFSET', [INTEGER]).undo).toBeUndefined();
    expect(() => bind('LATEST_BY_OFFSET', [INTEGER], [0])).toThrow(/latestN must be 1 or greater/);
  });
});

describe('EARLIEST_BY_OFFSET', () => {
  it('returns the first non-null value by default, the first value with ignoreNulls = false', () => {
    expect(run(bind('EARLIEST_BY_OFFSET', [INTEGER]), [null, 3, 4])).toBe(3);
    expect(run(bind('EARLIEST_BY_OFFSET', [INTEGER], [false]), [null, 3, 4])).toBeNull();
  });

  it('with n returns the first n values', () => {
    expect(run(bind('EARLIEST_BY_OFFSET', [INTEGER], [2]), [null, 1, 2, 3])).toEqual([1, 2]);
    expect(run(bind('EARLIEST_BY_OFFSET', [INTEGER], [2, false]), [null, 1, 2])).toEqual([null, 1]);
  });

  it('merge keeps the earlier arrival', () => {
    const f = bind('EARLIEST_BY_OFFSET', [INTEGER]);
    const first = fold(f, [1]);
    const second = fold(f, [2]);
    expect(f.result(f.merge(second, first))).toBe(1);
    const n = bind('EARLIEST_BY_OFFSET', [INTEGER], [2]);
    expect(n.result(n.merge(fold(n, [3]), fold(n, [1, 2])))).toEqual([3, 1]);
  });
});

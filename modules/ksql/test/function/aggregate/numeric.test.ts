import { describe, expect, it } from 'vitest';
import { KsqlError } from '../../../src/errors.js';
import { SqlTypes } from '../../../src/types/sql-type.js';
import { Decimal } from '../../../src/values/decimal.js';
import { bind, fold, run, unfold } from './helpers.js';

const { INTEGER, BIGINT, DOUBLE, STRING } = SqlTypes;

describe('COUNT', () => {
  it('COUNT(*) counts every record, COUNT(col) only non-null arguments', () => {
    const star = bind('COUNT', []);
    expect(star.returnType).toEqual(BIGINT);
    expect(run(star, [null, 1, null])).toBe(3);
    const col = bind('COUNT', [STRING]);
    expect(run(col, ['a', null, 'b'])).toBe(2);
  });

  it('undo takes back what aggregate added, merge adds two counts', () => {
    const col = bind('COUNT', [STRING]);
    const acc = fold(col, ['a', 'b', null]);
    expect(col.result(unfold(col, ['a', null], acc))).toBe(1);
    expect(col.merge(acc, fold(col, ['c']))).toBe(3);
  });
});

describe('SUM', () => {
  it('keeps the argument type and skips nulls', () => {
    expect(bind('SUM', [INTEGER]).returnType).toEqual(INTEGER);
    expect(bind('SUM', [BIGINT]).returnType).toEqual(BIGINT);
    expect(run(bind('SUM', [DOUBLE]), [1.5, null, 2.25])).toBe(3.75);
    expect(run(bind('SUM', [BIGINT]), [])).toBe(0);
  });

  it('an INT sum wraps at 32 bits as Java int arithmetic does', () => {
    expect(run(bind('SUM', [INTEGER]), [2147483647, 1])).toBe(-2147483648);
    expect(run(bind('SUM', [BIGINT]), [2147483647, 1])).toBe(2147483648);
  });

  it('sums decimals exactly in the column type and rejects a sum that overflows it', () => {
    const type = SqlTypes.decimal(4, 1);
    const sum = bind('SUM', [type]);
    expect(sum.returnType).toEqual(type);
    const acc = fold(sum, [Decimal.parse('0.1'), Decimal.parse('0.2'), null]);
    expect((sum.result(acc) as Decimal).toString()).toBe('0.3');
    expect((sum.result(unfold(sum, [Decimal.parse('0.2')], acc)) as Decimal).toString()).toBe('0.1');
    expect(() => fold(sum, [Decimal.parse('999.9'), Decimal.parse('0.1')])).toThrow(/Numeric field overflow/);
  });

  it('undo and merge', () => {
    const sum = bind('SUM', [INTEGER]);
    const acc = fold(sum, [5, 7]);
    expect(sum.result(unfold(sum, [7, null], acc))).toBe(5);
    expect(sum.merge(acc, fold(sum, [1]))).toBe(13);
  });

  it('refuses types it has no variant for, naming them as ksqlDB does', () => {
    expect(() => bind('SUM', [STRING])).toThrow(KsqlError);
    expect(() => bind('SUM', [STRING])).toThrow("Function 'SUM' does not accept parameters (STRING).");
  });
});

describe('AVG', () => {
  it('is a DOUBLE of the non-null values, 0.0 for none', () => {
    const avg = bind('AVG', [INTEGER]);
    expect(avg.returnType).toEqual(DOUBLE);
    expect(run(avg, [])).toBe(0);
    expect(run(avg, [1, 2, null, 4])).toBeCloseTo(7 / 3, 12);
  });

  it('undo and merge keep sum and count together', () => {
    const avg = bind('AVG', [BIGINT]);
    const acc = fold(avg, [10, 20, 30]);
    expect(avg.result(unfold(avg, [30], acc))).toBe(15);
    expect(avg.result(avg.merge(acc, fold(avg, [100])))).toBe(40);
  });

  it('does not take DECIMAL (no ksqlDB variant)', () => {
    expect(() => bind('AVG', [SqlTypes.decimal(4, 2)])).toThrow(
      /does not accept parameters \(DECIMAL\(4, 2\)\)/,
    );
  });
});

describe('STDDEV_SAMP / STDDEV_SAMPLE', () => {
  it('STDDEV_SAMPLE is the sample standard deviation, STDDEV_SAMP the variance (as ksqlDB returns)', () => {
    const values = [0, 10, 7];
    const mean = 17 / 3;
    const variance = values.reduce((s, v) => s + (v - mean) ** 2, 0) / 2;
    expect(run(bind('STDDEV_SAMPLE', [INTEGER]), values)).toBeCloseTo(Math.sqrt(variance), 10);
    expect(run(bind('STDDEV_SAMP', [INTEGER]), values)).toBeCloseTo(variance, 10);
  });

  it('is 0.0 below two values and ignores nulls', () => {
    const f = bind('STDDEV_SAMPLE', [DOUBLE]);
    expect(run(f, [])).toBe(0);
    expect(run(f, [3.5, null])).toBe(0);
    expect(run(f, [1, null, 3])).toBeCloseTo(Math.SQRT2, 12);
  });

  it('undo returns to the statistics without the value; merge combines two sessions', () => {
    const f = bind('STDDEV_SAMP', [DOUBLE]);
    const acc = fold(f, [2, 4, 9]);
    expect(f.result(unfold(f, [9], acc))).toBeCloseTo(run(f, [2, 4]) as number, 10);
    expect(f.result(f.merge(fold(f, [2, 4]), fold(f, [9, 1])))).toBeCloseTo(
      run(f, [2, 4, 9, 1]) as number,
      10,
    );
  });
});

describe('MIN / MAX', () => {
  it('ignore nulls, are null for no value, keep the argument type', () => {
    expect(run(bind('MIN', [INTEGER]), [])).toBeNull();
    expect(run(bind('MIN', [INTEGER]), [5, null, -2, 3])).toBe(-2);
    expect(run(bind('MAX', [DOUBLE]), [null, 1.5, 0.5])).toBe(1.5);
    expect(bind('MAX', [SqlTypes.TIMESTAMP]).returnType).toEqual(SqlTypes.TIMESTAMP);
  });

  it('order strings, decimals and bytes as Java does', () => {
    expect(run(bind('MAX', [STRING]), ['apple', 'Zebra', 'banana'])).toBe('banana');
    const dec = run(bind('MAX', [SqlTypes.decimal(5, 2)]), [Decimal.parse('1.50'), Decimal.parse('10.05')]);
    expect((dec as Decimal).toString()).toBe('10.05');
    // Signed bytes: 0x80 (-128) sorts before 0x01.
    expect(run(bind('MIN', [SqlTypes.BYTES]), [Buffer.from([1]), Buffer.from([0x80])])).toEqual(
      Buffer.from([0x80]),
    );
  });

  it('merge picks the extreme of two sessions; there is no undo (stream-only)', () => {
    const max = bind('MAX', [BIGINT]);
    expect(max.merge(fold(max, [1, 9]), fold(max, [4]))).toBe(9);
    expect(max.merge(null, 4)).toBe(4);
    expect(max.undo).toBeUndefined();
    expect(bind('MIN', [INTEGER]).undo).toBeUndefined();
  });

  it('take no BOOLEAN', () => {
    expect(() => bind('MIN', [SqlTypes.BOOLEAN])).toThrow(
      "Function 'MIN' does not accept parameters (BOOLEAN).",
    );
  });
});

describe('SUM_LIST', () => {
  it('sums the non-null elements of every list, in the element type', () => {
    const f = bind('SUM_LIST', [SqlTypes.array(DOUBLE)]);
    expect(f.returnType).toEqual(DOUBLE);
    expect(run(f, [[1.5, null, 2], null, [0.5]])).toBe(4);
    expect(bind('SUM_LIST', [SqlTypes.array(BIGINT)]).returnType).toEqual(BIGINT);
  });

  it('undo subtracts a list, merge adds sessions; non-numeric lists are refused', () => {
    const f = bind('SUM_LIST', [SqlTypes.array(INTEGER)]);
    const acc = fold(f, [[1, 2], [10]]);
    expect(f.result(unfold(f, [[10]], acc))).toBe(3);
    expect(f.merge(acc, 7)).toBe(20);
    expect(() => bind('SUM_LIST', [SqlTypes.array(STRING)])).toThrow(
      /does not accept parameters \(ARRAY<STRING>\)/,
    );
  });
});

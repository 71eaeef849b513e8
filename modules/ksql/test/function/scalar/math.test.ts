import { describe, expect, it } from 'vitest';
import { formatSqlType, SqlTypes } from '../../../src/types/sql-type.js';
import type { Decimal } from '../../../src/values/decimal.js';
import { compile, E, evaluate } from '../../expr/builder.js';

const call = (name: string, ...args: Parameters<typeof E.call>[1][]) => evaluate(E.call(name, ...args));
const typeOf = (name: string, ...args: Parameters<typeof E.call>[1][]) =>
  formatSqlType(compile(E.call(name, ...args)).type);
const dec = (v: unknown) => (v as Decimal).toString();

describe('ABS and SIGN', () => {
  it('keep the argument type for ABS; SIGN is an INTEGER', () => {
    expect(call('ABS', E.int(-3))).toBe(3);
    expect(call('ABS', E.dbl(-2.5))).toBe(2.5);
    expect(dec(call('ABS', E.dec('-1.50')))).toBe('1.50');
    expect(typeOf('ABS', E.dec('-1.50'))).toBe('DECIMAL(3, 2)');
    expect(call('SIGN', E.dbl(-0.1))).toBe(-1);
    expect(call('SIGN', E.dec('0.00'))).toBe(0);
    expect(call('SIGN', E.bigint(9))).toBe(1);
  });
});

describe('ROUND', () => {
  it('rounds doubles half up towards positive infinity, as Java’s Math.round, into a BIGINT', () => {
    expect(typeOf('ROUND', E.dbl(1.5))).toBe('BIGINT');
    expect(call('ROUND', E.dbl(1.5))).toBe(2);
    expect(call('ROUND', E.dbl(-1.5))).toBe(-1);
    expect(call('ROUND', E.dbl(-1.6))).toBe(-2);
    expect(call('ROUND', E.int(7))).toBe(7);
  });

  it('rounds doubles to decimal places from their shortest decimal text', () => {
    expect(call('ROUND', E.dbl(1.005), E.int(2))).toBe(1.01);
    expect(call('ROUND', E.dbl(-1.125), E.int(2))).toBe(-1.12);
    expect(call('ROUND', E.dbl(1234.5), E.int(-2))).toBe(1200);
  });

  it('rounds decimals to DECIMAL(p - s, 0), and with places keeps the type', () => {
    expect(typeOf('ROUND', E.dec('12.55'))).toBe('DECIMAL(2, 0)');
    expect(dec(call('ROUND', E.dec('12.55')))).toBe('13');
    expect(dec(call('ROUND', E.dec('-12.5')))).toBe('-12');
    expect(typeOf('ROUND', E.dec('1.255'), E.int(2))).toBe('DECIMAL(4, 3)');
    expect(dec(call('ROUND', E.dec('1.255'), E.int(2)))).toBe('1.260');
    expect(dec(call('ROUND', E.dec('-1.255'), E.int(2)))).toBe('-1.250');
  });
});

describe('FLOOR and CEIL', () => {
  it('keep the type, DECIMALs their scale', () => {
    expect(call('FLOOR', E.dbl(-1.5))).toBe(-2);
    expect(call('CEIL', E.dbl(-1.5))).toBe(-1);
    expect(dec(call('FLOOR', E.dec('1.75')))).toBe('1.00');
    expect(dec(call('CEIL', E.dec('1.25')))).toBe('2.00');
    expect(dec(call('CEIL', E.dec('-1.25')))).toBe('-1.00');
    expect(call('FLOOR', E.int(5))).toBe(5);
  });
});

describe('SQRT, EXP, LN, LOG, POWER', () => {
  it('are DOUBLE, integer arguments widening', () => {
    expect(typeOf('SQRT', E.int(4))).toBe('DOUBLE');
    expect(call('SQRT', E.int(16))).toBe(4);
    expect(call('SQRT', E.dbl(-1))).toBeNaN();
    expect(call('EXP', E.int(0))).toBe(1);
    expect(call('LN', E.dbl(Math.E))).toBe(1);
    expect(call('LOG', E.int(100))).toBeCloseTo(Math.log(100), 12);
    expect(call('LOG', E.int(2), E.int(8))).toBeCloseTo(3, 12);
    expect(call('LOG', E.int(1), E.int(8))).toBeNaN();
    expect(call('POWER', E.int(2), E.int(10))).toBe(1024);
    expect(call('POWER', E.dbl(2), E.dbl(-1))).toBe(0.5);
  });
});

describe('RANDOM', () => {
  it('gives a DOUBLE in [0, 1), differing between rows', () => {
    const c = compile(E.call('RANDOM'));
    const values = Array.from({ length: 20 }, () => c.evaluate([]) as number);
    expect(values.every((v) => v >= 0 && v < 1)).toBe(true);
    expect(new Set(values).size).toBeGreaterThan(1);
  });
});

describe('GREATEST and LEAST', () => {
  it('pick among values of one type, ignoring NULLs', () => {
    expect(call('GREATEST', E.int(1), E.int(5), E.cast(E.nul(), SqlTypes.INTEGER), E.int(3))).toBe(5);
    expect(call('LEAST', E.str('b'), E.str('a'), E.str('c'))).toBe('a');
    expect(call('GREATEST', E.cast(E.nul(), SqlTypes.DOUBLE), E.cast(E.nul(), SqlTypes.DOUBLE))).toBeNull();
  });

  it('widen DECIMALs to a type holding them all', () => {
    expect(typeOf('GREATEST', E.dec('1.5'), E.dec('10.25'))).toBe('DECIMAL(4, 2)');
    expect(dec(call('GREATEST', E.dec('1.5'), E.dec('10.25')))).toBe('10.25');
    expect(dec(call('LEAST', E.dec('1.5'), E.dec('10.25')))).toBe('1.50');
  });

  it('read string literals as dates, times and timestamps among such values', () => {
    const d = E.cast(E.str('2021-03-04'), SqlTypes.DATE);
    expect(call('GREATEST', d, E.str('2021-05-01'), E.cast(E.nul(), SqlTypes.DATE))).toBe(18748);
    expect(call('LEAST', E.cast(E.str('10:00'), SqlTypes.TIME), E.str('09:30'))).toBe(34_200_000);
    expect(() => compile(E.call('GREATEST', d, E.str('not a date')))).toThrow(
      "Invalid argument 'not a date' to greatest",
    );
  });

  it('refuse mixed incomparable types', () => {
    expect(() => compile(E.call('LEAST', E.str('a'), E.int(1)))).toThrow(
      "Function 'least' does not accept parameters (STRING, INTEGER).",
    );
  });
});

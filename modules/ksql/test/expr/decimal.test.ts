import { describe, expect, it } from 'vitest';
import {
  Decimal,
  decimalAdd,
  decimalCompare,
  DecimalArithmeticError,
  decimalDivide,
  decimalFromDouble,
  decimalFromInteger,
  decimalMultiply,
  decimalNegate,
  decimalRemainder,
  decimalSubtract,
  decimalToType,
  setScale,
} from '../../src/values/decimal.js';

const d = (s: string) => Decimal.parse(s);

describe('DECIMAL arithmetic', () => {
  it('adds and subtracts at the larger scale', () => {
    expect(decimalAdd(d('10.01'), d('5.1')).toString()).toBe('15.11');
    expect(decimalSubtract(d('1.5'), d('2.25')).toString()).toBe('-0.75');
  });

  it('multiplies with the sum of the scales', () => {
    expect(decimalMultiply(d('1.5'), d('-0.25')).toString()).toBe('-0.375');
  });

  it('divides exactly at the requested scale, and refuses a quotient that needs rounding by default', () => {
    expect(decimalDivide(d('10.1'), d('2.0'), 4).toString()).toBe('5.0500');
    expect(() => decimalDivide(d('1'), d('3'), 6)).toThrow(DecimalArithmeticError);
    expect(decimalDivide(d('1'), d('3'), 6, 'HALF_UP').toString()).toBe('0.333333');
    expect(decimalDivide(d('2'), d('3'), 2, 'HALF_UP').toString()).toBe('0.67');
  });

  it('refuses division by zero', () => {
    expect(() => decimalDivide(d('1'), d('0.0'), 2)).toThrow('Division by zero');
    expect(() => decimalRemainder(d('1'), d('0'))).toThrow(DecimalArithmeticError);
  });

  it('takes the remainder with the sign of the dividend', () => {
    expect(decimalRemainder(d('-10.1'), d('3')).toString()).toBe('-1.1');
    expect(decimalRemainder(d('10.1'), d('-2.0')).toString()).toBe('0.1');
  });

  it('negates', () => {
    expect(decimalNegate(d('10.12345')).toString()).toBe('-10.12345');
  });
});

describe('DECIMAL rounding', () => {
  it('rounds HALF_UP away from zero on ties', () => {
    expect(setScale(d('1.25'), 1, 'HALF_UP').toString()).toBe('1.3');
    expect(setScale(d('-1.25'), 1, 'HALF_UP').toString()).toBe('-1.3');
    expect(setScale(d('1.24'), 1, 'HALF_UP').toString()).toBe('1.2');
  });

  it('rounds HALF_DOWN, HALF_EVEN, FLOOR and CEILING as Java', () => {
    expect(setScale(d('-1.5'), 0, 'HALF_DOWN').toString()).toBe('-1');
    expect(setScale(d('2.5'), 0, 'HALF_EVEN').toString()).toBe('2');
    expect(setScale(d('3.5'), 0, 'HALF_EVEN').toString()).toBe('4');
    expect(setScale(d('-1.1'), 0, 'FLOOR').toString()).toBe('-2');
    expect(setScale(d('-1.9'), 0, 'CEILING').toString()).toBe('-1');
  });

  it('grows the scale exactly and refuses an unnecessary-rounding shrink that would lose digits', () => {
    expect(setScale(d('1.5'), 3).toString()).toBe('1.500');
    expect(setScale(d('1.500'), 1).toString()).toBe('1.5');
    expect(() => setScale(d('1.55'), 1)).toThrow('Rounding necessary');
  });

  it('rounds to tens with a negative scale', () => {
    expect(setScale(setScale(d('1234.5'), -2, 'HALF_UP'), 1).toString()).toBe('1200.0');
  });
});

describe('DECIMAL comparison and conversion', () => {
  it('compares by value regardless of scale', () => {
    expect(decimalCompare(d('1.0'), d('1.000'))).toBe(0);
    expect(decimalCompare(d('10.01'), d('10.012'))).toBe(-1);
    expect(decimalCompare(d('-2'), d('-10'))).toBe(1);
  });

  it('converts integers and doubles into a DECIMAL type', () => {
    expect(decimalFromInteger(42, 2).toString()).toBe('42.00');
    expect(decimalFromDouble(0.1, 4, 2).toString()).toBe('0.10');
    expect(decimalFromDouble(2.675, 10, 2).toString()).toBe('2.68');
    expect(() => decimalFromDouble(Number.NaN, 4, 2)).toThrow(DecimalArithmeticError);
  });

  it('fits a value to DECIMAL(p, s): rounding HALF_UP, failing when the integer part is too wide', () => {
    expect(decimalToType(d('12.345'), 4, 2).toString()).toBe('12.35');
    expect(() => decimalToType(d('123.4'), 4, 2)).toThrow(
      'Numeric field overflow: A field with precision 4 and scale 2 must round to an absolute value less than 10^2. Got 123.4',
    );
    expect(decimalToType(d('0.5'), 1, 1).toString()).toBe('0.5');
  });
});

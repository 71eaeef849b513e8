import { describe, expect, it } from 'vitest';
import {
  javaDoubleToString,
  parseJavaDouble,
  parseJavaInt,
  parseJavaLong,
} from '../../src/format/java-text.js';

describe('javaDoubleToString (Double.toString as Jackson and commons-csv print it)', () => {
  it.each([
    [1, '1.0'],
    [0, '0.0'],
    [Number.MIN_VALUE, '4.9E-324'],
    [-Number.MIN_VALUE, '-4.9E-324'],
    [2 * Number.MIN_VALUE, '9.9E-324'],
    [1e23, '1.0E23'],
    [-0, '-0.0'],
    [1.5, '1.5'],
    [-12.25, '-12.25'],
    [0.001, '0.001'],
    [-0.00123, '-0.00123'],
    [-100, '-100.0'],
    [9999999.5, '9999999.5'],
    [0.0001, '1.0E-4'],
    [1234567.0, '1234567.0'],
    [12345678.0, '1.2345678E7'],
    [1e21, '1.0E21'],
    [1.25e-10, '1.25E-10'],
    [0.1 + 0.2, '0.30000000000000004'],
    [Number.NaN, 'NaN'],
    [Number.POSITIVE_INFINITY, 'Infinity'],
  ])('%s → %s', (d, text) => {
    expect(javaDoubleToString(d)).toBe(text);
  });
});

describe('Java number parsing', () => {
  it('parseInt accepts a sign and digits within 32 bits only', () => {
    expect(parseJavaInt('-42')).toBe(-42);
    expect(parseJavaInt('+7')).toBe(7);
    expect(parseJavaInt('2147483648')).toBeUndefined();
    expect(parseJavaInt('1.0')).toBeUndefined();
    expect(parseJavaInt(' 1')).toBeUndefined();
  });
  it('parseLong accepts 64-bit range', () => {
    expect(parseJavaLong('9007199254740991')).toBe(9007199254740991);
    expect(parseJavaLong('9223372036854775808')).toBeUndefined();
  });
  it('parseDouble trims and accepts exponents, NaN and a d suffix', () => {
    expect(parseJavaDouble(' 1.5e2 ')).toBe(150);
    expect(parseJavaDouble('2d')).toBe(2);
    expect(parseJavaDouble('NaN')).toBeNaN();
    expect(parseJavaDouble('abc')).toBeUndefined();
  });
});

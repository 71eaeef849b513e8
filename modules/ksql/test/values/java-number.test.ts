import { describe, expect, it } from 'vitest';
import { javaDoubleToString } from '../../src/values/java-number.js';

describe('javaDoubleToString (values) prints two digits where Java does', () => {
  it.each([
    [Number.MIN_VALUE, '4.9E-324'],
    [-Number.MIN_VALUE, '-4.9E-324'],
    [1e23, '1.0E23'],
    [2e-5, '2.0E-5'],
    [1.5e-4, '1.5E-4'],
    [Number.MAX_VALUE, '1.7976931348623157E308'],
  ])('%d → %s', (d, text) => {
    expect(javaDoubleToString(d)).toBe(text);
  });
});

import { describe, expect, it } from 'vitest';
import {
  bytesToUnscaled,
  decimalToBytes,
  ensureDecimalFit,
  rescaleExact,
} from '../../src/format/decimal-codec.js';
import { SqlTypes as T } from '../../src/types/sql-type.js';
import { Decimal } from '../../src/values/decimal.js';

describe('Avro decimal bytes (BigInteger.toByteArray)', () => {
  it.each([
    [0n, '00'],
    [1n, '01'],
    [127n, '7f'],
    [128n, '0080'],
    [255n, '00ff'],
    [-1n, 'ff'],
    [-128n, '80'],
    [-129n, 'ff7f'],
    [-256n, 'ff00'],
    [6521n, '1979'],
  ])('%s ↔ %s', (unscaled, hex) => {
    expect(decimalToBytes(unscaled).toString('hex')).toBe(hex);
    expect(bytesToUnscaled(Buffer.from(hex, 'hex'))).toBe(unscaled);
  });
});

describe('decimal fitting (DecimalUtil.ensureFit)', () => {
  it('rescales exactly, and refuses to round or overflow', () => {
    expect(ensureDecimalFit(Decimal.parse('1.5'), T.decimal(4, 2))).toEqual(new Decimal(150n, 2));
    expect(() => ensureDecimalFit(Decimal.parse('100'), T.decimal(4, 2))).toThrow('Numeric field overflow');
    expect(() => ensureDecimalFit(Decimal.parse('0.125'), T.decimal(4, 2))).toThrow('without rounding');
    expect(rescaleExact(new Decimal(1500n, 3), 1)).toEqual(new Decimal(15n, 1));
    expect(rescaleExact(new Decimal(1501n, 3), 1)).toBeUndefined();
  });
});

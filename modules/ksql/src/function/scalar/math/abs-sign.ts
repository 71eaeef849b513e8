import type { SqlType } from '../../../types/sql-type.js';
import { SqlTypes } from '../../../types/sql-type.js';
import { Decimal } from '../../../values/decimal.js';
import { CATEGORY, fixed, scalar } from '../define.js';
import { type BoundCall, P } from '../scalar-function.js';

const sameAsArg = (call: BoundCall): SqlType => call.argTypes[0] as SqlType;

export const ABS = scalar('ABS', CATEGORY.MATH, 'Returns the absolute value of its argument.', [
  fixed([P.INT], SqlTypes.INTEGER, (x: number) => Math.abs(x) | 0),
  fixed([P.BIGINT], SqlTypes.BIGINT, (x: number) => Math.abs(x)),
  fixed([P.DOUBLE], SqlTypes.DOUBLE, (x: number) => Math.abs(x)),
  fixed([P.DECIMAL], sameAsArg, (x: Decimal) => (x.unscaled < 0n ? new Decimal(-x.unscaled, x.scale) : x)),
]);

function signOf(x: number): number {
  return x > 0 ? 1 : x < 0 ? -1 : 0;
}

/** SIGN: -1, 0 or 1 as an INTEGER (NaN gives 0, as Math.signum's (int) cast). */
export const SIGN = scalar(
  'SIGN',
  CATEGORY.MATH,
  'Returns the sign of its argument: -1 if negative, 0 if zero, 1 if positive.',
  [
    fixed([P.INT], SqlTypes.INTEGER, signOf),
    fixed([P.BIGINT], SqlTypes.INTEGER, signOf),
    fixed([P.DOUBLE], SqlTypes.INTEGER, signOf),
    fixed([P.DECIMAL], SqlTypes.INTEGER, (x: Decimal) => (x.unscaled > 0n ? 1 : x.unscaled < 0n ? -1 : 0)),
  ],
);

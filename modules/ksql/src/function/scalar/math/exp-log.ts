import { SqlTypes } from '../../../types/sql-type.js';
import { CATEGORY, fixed, scalar } from '../define.js';
import { P } from '../scalar-function.js';

/** Double-valued math; INTEGER and BIGINT arguments widen to DOUBLE. NaN / Infinity as Java's Math. */
export const SQRT = scalar(
  'SQRT',
  CATEGORY.MATH,
  'Returns the correctly rounded positive square root of a DOUBLE value.',
  [fixed([P.DOUBLE], SqlTypes.DOUBLE, Math.sqrt)],
);

export const EXP = scalar(
  'EXP',
  CATEGORY.MATH,
  "Returns Euler's number e raised to the power of an INT value.",
  [fixed([P.DOUBLE], SqlTypes.DOUBLE, Math.exp)],
);

export const LN = scalar('LN', CATEGORY.MATH, 'Returns the natural logarithm of a value.', [
  fixed([P.DOUBLE], SqlTypes.DOUBLE, Math.log),
]);

/** LOG(x) is the natural logarithm (as ksqlDB's implementation, whatever its description says); LOG(base, x) any base. */
export const LOG = scalar('LOG', CATEGORY.MATH, 'The logarithm of a value.', [
  fixed([P.DOUBLE], SqlTypes.DOUBLE, Math.log),
  fixed([P.DOUBLE, P.DOUBLE], SqlTypes.DOUBLE, (base: number, x: number) =>
    base <= 0 || base === 1 ? Number.NaN : Math.log(x) / Math.log(base),
  ),
]);

export const POWER = scalar(
  'POWER',
  CATEGORY.MATH,
  'Returns the value of the first argument raised to the power of the second argument.',
  [
    fixed([P.DOUBLE, P.DOUBLE], SqlTypes.DOUBLE, (b: number, e: number) =>
      (b === 1 || b === -1) && !Number.isFinite(e) ? Number.NaN : b ** e,
    ),
  ],
);

export const RANDOM = scalar('RANDOM', CATEGORY.MATH, 'Returns a random DOUBLE value between 0.0 and 1.0.', [
  fixed([], SqlTypes.DOUBLE, Math.random),
]);

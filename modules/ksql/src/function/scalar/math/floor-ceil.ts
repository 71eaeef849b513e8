import type { SqlType } from '../../../types/sql-type.js';
import { SqlTypes } from '../../../types/sql-type.js';
import { type Decimal, setScale } from '../../../values/decimal.js';
import { CATEGORY, fixed, scalar } from '../define.js';
import { type BoundCall, P } from '../scalar-function.js';

const sameAsArg = (call: BoundCall): SqlType => call.argTypes[0] as SqlType;

/** FLOOR / CEIL keep the argument's type; a DECIMAL keeps its scale (1.5 → 1.0 / 2.0). */
export const FLOOR = scalar(
  'FLOOR',
  CATEGORY.MATH,
  'Returns the largest integer less than or equal to the specified numeric expression.',
  [
    fixed([P.INT], SqlTypes.INTEGER, (x: number) => x),
    fixed([P.BIGINT], SqlTypes.BIGINT, (x: number) => x),
    fixed([P.DOUBLE], SqlTypes.DOUBLE, Math.floor),
    fixed([P.DECIMAL], sameAsArg, (x: Decimal) => setScale(setScale(x, 0, 'FLOOR'), x.scale)),
  ],
);

export const CEIL = scalar(
  'CEIL',
  CATEGORY.MATH,
  'Returns the smallest integer greater than or equal to the specified numeric expression.',
  [
    fixed([P.INT], SqlTypes.INTEGER, (x: number) => x),
    fixed([P.BIGINT], SqlTypes.BIGINT, (x: number) => x),
    fixed([P.DOUBLE], SqlTypes.DOUBLE, Math.ceil),
    fixed([P.DECIMAL], sameAsArg, (x: Decimal) => setScale(setScale(x, 0, 'CEILING'), x.scale)),
  ],
);

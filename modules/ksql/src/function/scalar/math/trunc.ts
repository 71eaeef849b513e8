import { type SqlDecimalType, SqlTypes } from '../../../types/sql-type.js';
import { type Decimal, setScale } from '../../../values/decimal.js';
import { CATEGORY, fixed, scalar } from '../define.js';
import { type BoundCall, P } from '../scalar-function.js';
import { decimalFromJavaDouble } from './java-double-decimal.js';

/** TRUNC rounds towards zero; types follow ROUND (a double without places is a BIGINT). */
export const TRUNC = scalar(
  'TRUNC',
  CATEGORY.MATH,
  'Truncates a value to the number of decimal places given, towards zero.',
  [
    fixed([P.INT], SqlTypes.INTEGER, (x: number) => x),
    fixed([P.BIGINT], SqlTypes.BIGINT, (x: number) => x),
    fixed([P.DOUBLE], SqlTypes.BIGINT, (x: number) => (Number.isNaN(x) ? 0 : Math.trunc(x))),
    fixed([P.DOUBLE, P.INT], SqlTypes.DOUBLE, (x: number, places: number) =>
      Number.isFinite(x) ? setScale(decimalFromJavaDouble(x), places, 'DOWN').toNumber() : x,
    ),
    fixed(
      [P.DECIMAL],
      (call: BoundCall) => {
        const t = call.argTypes[0] as SqlDecimalType;
        return SqlTypes.decimal(Math.max(t.precision - t.scale, 1), 0);
      },
      (x: Decimal) => setScale(x, 0, 'DOWN'),
    ),
    fixed(
      [P.DECIMAL, P.INT],
      (call: BoundCall) => call.argTypes[0] as SqlDecimalType,
      (x: Decimal, places: number) => setScale(setScale(x, places, 'DOWN'), x.scale),
    ),
  ],
);

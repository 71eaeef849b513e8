import { type SqlDecimalType, SqlTypes } from '../../../types/sql-type.js';
import { type Decimal, setScale } from '../../../values/decimal.js';
import { decimalFromJavaDouble } from './java-double-decimal.js';
import { CATEGORY, fixed, scalar } from '../define.js';
import { type BoundCall, P } from '../scalar-function.js';

/**
 * ROUND follows Java's Math.round: halves round towards positive infinity (ROUND(-1.5) = -1,
 * ROUND(1.5) = 2). For a DECIMAL that is BigDecimal HALF_UP above zero and HALF_DOWN below.
 * ROUND(double) is a BIGINT; ROUND(decimal) is DECIMAL(p - s, 0); with decimal places the type is
 * kept (ksqlDB keeps the input scale: ROUND(1.25, 1) on DECIMAL(3,2) is 1.30).
 */
export function roundDecimal(v: Decimal, places: number): Decimal {
  return setScale(v, places, v.unscaled > 0n ? 'HALF_UP' : 'HALF_DOWN');
}

function javaMathRound(x: number): number {
  if (Number.isNaN(x)) return 0;
  return Math.floor(x + 0.5);
}

function roundDoubleTo(x: number, places: number): number {
  if (!Number.isFinite(x)) return x;
  return roundDecimal(decimalFromJavaDouble(x), places).toNumber();
}

export const ROUND = scalar(
  'ROUND',
  CATEGORY.MATH,
  'Round a value to the number of decimal places as specified by scale to the right of the decimal point. Numbers equidistant to the nearest value are rounded up (in the positive direction).',
  [
    fixed([P.INT], SqlTypes.INTEGER, (x: number) => x),
    fixed([P.BIGINT], SqlTypes.BIGINT, (x: number) => x),
    fixed([P.DOUBLE], SqlTypes.BIGINT, javaMathRound),
    fixed([P.DOUBLE, P.INT], SqlTypes.DOUBLE, roundDoubleTo),
    fixed(
      [P.DECIMAL],
      (call: BoundCall) => {
        const t = call.argTypes[0] as SqlDecimalType;
        return SqlTypes.decimal(Math.max(t.precision - t.scale, 1), 0);
      },
      (x: Decimal) => roundDecimal(x, 0),
    ),
    fixed(
      [P.DECIMAL, P.INT],
      (call: BoundCall) => call.argTypes[0] as SqlDecimalType,
      (x: Decimal, places: number) => setScale(roundDecimal(x, places), x.scale),
    ),
  ],
);

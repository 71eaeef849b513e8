import { type SqlType, SqlTypes } from '../../../types/sql-type.js';
import { type Decimal, setScale } from '../../../values/decimal.js';
import { compareValues } from '../../../expr/value-compare.js';
import { widenDecimal } from '../../../expr/type-rules.js';
import { CATEGORY, fixed, scalar } from '../define.js';
import { type BoundCall, P, type ParamType, type ScalarVariant } from '../scalar-function.js';

/** GREATEST / LEAST of one comparable type, ignoring NULLs (NULL when all are). DECIMALs widen. */
function pick(sign: 1 | -1) {
  return (first: unknown, rest: unknown[]): unknown => {
    let best = first;
    for (const x of rest) if (x !== null && (best === null || compareValues(x, best) * sign > 0)) best = x;
    return best;
  };
}

function variants(sign: 1 | -1): ScalarVariant[] {
  const types: [ParamType, SqlType][] = [
    [P.INT, SqlTypes.INTEGER],
    [P.BIGINT, SqlTypes.BIGINT],
    [P.DOUBLE, SqlTypes.DOUBLE],
    [P.STRING, SqlTypes.STRING],
    [P.BYTES, SqlTypes.BYTES],
    [P.DATE, SqlTypes.DATE],
    [P.TIME, SqlTypes.TIME],
    [P.TIMESTAMP, SqlTypes.TIMESTAMP],
  ];
  const f = pick(sign);
  const out: ScalarVariant[] = types.map(([p, t]) => fixed([p, p], t, f, { variadic: true, nulls: 'pass' }));
  const decimalType = (call: BoundCall): SqlType => {
    const ts = call.argTypes.filter((t): t is SqlType => t !== null);
    return ts.reduce<SqlType>((a, b) => widenDecimal(a, b), ts[0]);
  };
  out.push({
    params: [P.DECIMAL, P.DECIMAL],
    variadic: true,
    nulls: 'pass',
    returns: decimalType,
    implement(call) {
      const scale = (decimalType(call) as { scale: number }).scale;
      return (a) => {
        const v = f(a[0], a.slice(1)) as Decimal | null;
        return v === null ? null : setScale(v, scale);
      };
    },
  });
  return out;
}

export const GREATEST = scalar(
  'GREATEST',
  CATEGORY.MATH,
  'Returns the highest non-null value among a variable number of comparable columns.',
  variants(1),
);
export const LEAST = scalar(
  'LEAST',
  CATEGORY.MATH,
  'Returns the lowest non-null value among a variable number of comparable columns.',
  variants(-1),
);

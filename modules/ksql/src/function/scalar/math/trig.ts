import { SqlTypes } from '../../../types/sql-type.js';
import { CATEGORY, fixed, scalar } from '../define.js';
import { P } from '../scalar-function.js';

/** Trigonometry and friends on DOUBLE (INTEGER and BIGINT widen), NaN / Infinity as Java's Math. */
const unary = (name: string, description: string, f: (x: number) => number) =>
  scalar(name, CATEGORY.MATH, description, [fixed([P.DOUBLE], SqlTypes.DOUBLE, f)]);

export const SIN = unary('SIN', 'Returns the sine of an angle in radians.', Math.sin);
export const COS = unary('COS', 'Returns the cosine of an angle in radians.', Math.cos);
export const TAN = unary('TAN', 'Returns the tangent of an angle in radians.', Math.tan);
export const COT = unary('COT', 'Returns the cotangent of an angle in radians.', (x) => 1 / Math.tan(x));
export const ASIN = unary('ASIN', 'Returns the inverse sine of a value, in radians.', Math.asin);
export const ACOS = unary('ACOS', 'Returns the inverse cosine of a value, in radians.', Math.acos);
export const ATAN = unary('ATAN', 'Returns the inverse tangent of a value, in radians.', Math.atan);
export const SINH = unary('SINH', 'Returns the hyperbolic sine of a value.', Math.sinh);
export const COSH = unary('COSH', 'Returns the hyperbolic cosine of a value.', Math.cosh);
export const TANH = unary('TANH', 'Returns the hyperbolic tangent of a value.', Math.tanh);
export const CBRT = unary('CBRT', 'Returns the cube root of a value.', Math.cbrt);
export const DEGREES = unary(
  'DEGREES',
  'Converts an angle in radians to degrees.',
  (x) => (x * 180) / Math.PI,
);
export const RADIANS = unary(
  'RADIANS',
  'Converts an angle in degrees to radians.',
  (x) => (x / 180) * Math.PI,
);

export const ATAN2 = scalar(
  'ATAN2',
  CATEGORY.MATH,
  'Returns the angle theta from the conversion of rectangular coordinates (x, y) to polar coordinates (r, theta).',
  [fixed([P.DOUBLE, P.DOUBLE], SqlTypes.DOUBLE, (y: number, x: number) => Math.atan2(y, x))],
);

export const PI = scalar('PI', CATEGORY.MATH, 'Returns an approximate value of pi.', [
  fixed([], SqlTypes.DOUBLE, () => Math.PI),
]);

import { Decimal } from '../../../values/decimal.js';
import { javaDoubleToString } from '../../../values/java-number.js';

/** BigDecimal.valueOf(double): the decimal of the double's shortest text (Double.toString). */
export function decimalFromJavaDouble(x: number): Decimal {
  return Decimal.parse(javaDoubleToString(x));
}

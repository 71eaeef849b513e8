/**
 * An exact DECIMAL value: `unscaled × 10^-scale` (Java's BigDecimal without a MathContext). The
 * precision belongs to the SQL type (DECIMAL(p, s)); values are rescaled to the type's scale where
 * a column or cast fixes it. Arithmetic, rounding and comparison live with the expression evaluator.
 */
export class Decimal {
  constructor(
    readonly unscaled: bigint,
    readonly scale: number,
  ) {}

  /** Parses `-12.340`, `5`, `1e3` (a plain decimal string, as JSON and literals carry it). */
  static parse(text: string): Decimal {
    const m = /^([+-]?)(\d*)(?:\.(\d*))?(?:[eE]([+-]?\d+))?$/.exec(text.trim());
    if (!m || (m[2] === '' && (m[3] ?? '') === '')) throw new RangeError(`not a decimal number: '${text}'`);
    const frac = m[3] ?? '';
    let unscaled = BigInt(`${m[1]}${m[2] || '0'}${frac}`);
    let scale = frac.length - Number(m[4] ?? 0);
    if (scale < 0) {
      unscaled *= 10n ** BigInt(-scale);
      scale = 0;
    }
    return new Decimal(unscaled, scale);
  }

  /** Digits in the unscaled value (BigDecimal.precision()), at least 1. */
  precision(): number {
    return (this.unscaled < 0n ? -this.unscaled : this.unscaled).toString().length;
  }

  /** Plain notation with exactly `scale` fraction digits (BigDecimal.toPlainString()). */
  toString(): string {
    const neg = this.unscaled < 0n;
    const digits = (neg ? -this.unscaled : this.unscaled).toString();
    if (this.scale <= 0) return (neg ? '-' : '') + digits + '0'.repeat(-this.scale);
    const padded = digits.padStart(this.scale + 1, '0');
    const cut = padded.length - this.scale;
    return `${neg ? '-' : ''}${padded.slice(0, cut)}.${padded.slice(cut)}`;
  }

  toNumber(): number {
    return Number(this.toString());
  }

  /** JSON.stringify writes decimals as numbers with their exact digits via the formats' writers. */
  toJSON(): string {
    return this.toString();
  }
}

// ---------------------------------------------------------------------------------------------
// Arithmetic, rounding and comparison (Java BigDecimal semantics, as ksqlDB uses them)
// ---------------------------------------------------------------------------------------------

/** java.math.RoundingMode values the engine uses. */
export type RoundingMode =
  | 'UNNECESSARY'
  | 'HALF_UP'
  | 'HALF_DOWN'
  | 'HALF_EVEN'
  | 'DOWN'
  | 'UP'
  | 'FLOOR'
  | 'CEILING';

/** BigDecimal's failure when a value cannot be represented (ArithmeticException). */
export class DecimalArithmeticError extends RangeError {
  constructor(message: string) {
    super(message);
    this.name = 'DecimalArithmeticError';
  }
}

const TEN = 10n;
const pow10Cache: bigint[] = [];
/** 10^n as a bigint (cached: rescaling is on the per-record path). */
export function pow10(n: number): bigint {
  if (n < 64) {
    let v = pow10Cache[n];
    if (v === undefined) {
      v = TEN ** BigInt(n);
      pow10Cache[n] = v;
    }
    return v;
  }
  return TEN ** BigInt(n);
}

function abs(v: bigint): bigint {
  return v < 0n ? -v : v;
}

/** Divides `n` by `d` (d > 0 or < 0) rounding the quotient per `mode`. */
function divideRounded(n: bigint, d: bigint, mode: RoundingMode): bigint {
  const q = n / d; // truncates toward zero
  const r = n % d;
  if (r === 0n) return q;
  const negative = n < 0n !== d < 0n;
  const away = negative ? q - 1n : q + 1n;
  switch (mode) {
    case 'UNNECESSARY':
      throw new DecimalArithmeticError('Rounding necessary');
    case 'DOWN':
      return q;
    case 'UP':
      return away;
    case 'FLOOR':
      return negative ? away : q;
    case 'CEILING':
      return negative ? q : away;
    case 'HALF_UP':
    case 'HALF_DOWN':
    case 'HALF_EVEN': {
      const twice = abs(r) * 2n;
      const ad = abs(d);
      if (twice > ad) return away;
      if (twice < ad) return q;
      if (mode === 'HALF_UP') return away;
      if (mode === 'HALF_DOWN') return q;
      return q % 2n === 0n ? q : away;
    }
  }
}

/** `value` at scale `scale` (BigDecimal.setScale): exact when growing, rounded per `mode` when shrinking. */
export function setScale(value: Decimal, scale: number, mode: RoundingMode = 'UNNECESSARY'): Decimal {
  if (scale === value.scale) return value;
  if (scale > value.scale) return new Decimal(value.unscaled * pow10(scale - value.scale), scale);
  return new Decimal(divideRounded(value.unscaled, pow10(value.scale - scale), mode), scale);
}

/** Both values' unscaled digits at their common (larger) scale. */
function aligned(a: Decimal, b: Decimal): [bigint, bigint, number] {
  if (a.scale === b.scale) return [a.unscaled, b.unscaled, a.scale];
  if (a.scale > b.scale) return [a.unscaled, b.unscaled * pow10(a.scale - b.scale), a.scale];
  return [a.unscaled * pow10(b.scale - a.scale), b.unscaled, b.scale];
}

export function decimalAdd(a: Decimal, b: Decimal): Decimal {
  const [x, y, s] = aligned(a, b);
  return new Decimal(x + y, s);
}

export function decimalSubtract(a: Decimal, b: Decimal): Decimal {
  const [x, y, s] = aligned(a, b);
  return new Decimal(x - y, s);
}

export function decimalMultiply(a: Decimal, b: Decimal): Decimal {
  return new Decimal(a.unscaled * b.unscaled, a.scale + b.scale);
}

/**
 * `a / b` at `scale` fraction digits, rounded per `mode`. ksqlDB divides with
 * `MathContext(precision, UNNECESSARY)` then `setScale(scale)`: a quotient that does not fit the
 * result type exactly fails ("Rounding necessary") — the default mode here does the same.
 */
export function decimalDivide(
  a: Decimal,
  b: Decimal,
  scale: number,
  mode: RoundingMode = 'UNNECESSARY',
): Decimal {
  if (b.unscaled === 0n)
    throw new DecimalArithmeticError(a.unscaled === 0n ? 'Division undefined' : 'Division by zero');
  // a/b = (ua × 10^-sa) / (ub × 10^-sb); scaled by 10^scale: ua × 10^(scale - sa + sb) / ub
  const shift = scale - a.scale + b.scale;
  let n = a.unscaled;
  let d = b.unscaled;
  if (shift >= 0) n *= pow10(shift);
  else d *= pow10(-shift);
  return new Decimal(divideRounded(n, d, mode), scale);
}

/** BigDecimal.remainder: the sign follows the dividend; scale is the larger of the two. */
export function decimalRemainder(a: Decimal, b: Decimal): Decimal {
  if (b.unscaled === 0n) throw new DecimalArithmeticError('Division by zero');
  const [x, y, s] = aligned(a, b);
  return new Decimal(x % y, s);
}

export function decimalNegate(a: Decimal): Decimal {
  return new Decimal(-a.unscaled, a.scale);
}

/** BigDecimal.compareTo: by value, ignoring scale (1.0 = 1.00). */
export function decimalCompare(a: Decimal, b: Decimal): number {
  const [x, y] = aligned(a, b);
  return x < y ? -1 : x > y ? 1 : 0;
}

export function decimalEquals(a: Decimal, b: Decimal): boolean {
  return decimalCompare(a, b) === 0;
}

/** An integer as DECIMAL(precision, scale), exactly (ksqlDB's DecimalUtil.cast(long, …)). */
export function decimalFromInteger(value: number | bigint, scale = 0): Decimal {
  const v = typeof value === 'bigint' ? value : BigInt(Math.trunc(value));
  return new Decimal(v * pow10(scale), scale);
}

/**
 * A double as a decimal with `scale` fraction digits: the double's exact binary value rounded to
 * `precision` significant digits, then HALF_UP to the scale — ksqlDB's DecimalUtil.cast(double).
 * NaN and infinities have no decimal value.
 */
export function decimalFromDouble(value: number, precision: number, scale: number): Decimal {
  if (!Number.isFinite(value)) throw new DecimalArithmeticError(`Cannot convert ${value} to DECIMAL`);
  // toPrecision rounds the exact binary value, ties away from zero (MathContext's HALF_UP).
  const digits = Decimal.parse(value.toPrecision(Math.min(Math.max(precision, 1), 100)));
  return setScale(digits, scale, 'HALF_UP');
}

/** The integer digits a DECIMAL(precision, scale) can hold are exceeded (ksqlDB's ensureMax). */
export function decimalFits(value: Decimal, precision: number, scale: number): boolean {
  const intDigits = precision - scale;
  const scaled =
    value.scale > 0 ? abs(value.unscaled) / pow10(value.scale) : abs(value.unscaled) * pow10(-value.scale);
  return scaled < pow10(Math.max(intDigits, 0)) || (intDigits <= 0 && scaled === 0n);
}

/**
 * Converts to DECIMAL(precision, scale) as ksqlDB's DecimalUtil.cast(BigDecimal, p, s): fails when
 * the integer part does not fit, otherwise rounds HALF_UP to the scale.
 */
export function decimalToType(value: Decimal, precision: number, scale: number): Decimal {
  if (!decimalFits(value, precision, scale)) {
    throw new DecimalArithmeticError(
      `Numeric field overflow: A field with precision ${precision} and scale ${scale} must round to an absolute value less than 10^${precision - scale}. Got ${value.toString()}`,
    );
  }
  return setScale(value, scale, 'HALF_UP');
}

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

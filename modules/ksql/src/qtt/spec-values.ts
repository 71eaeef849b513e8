/**
 * What a record read back from a topic looks like to the comparator: the payload decoded by the
 * format's own rules (not by the engine's serdes), with the number kinds ksqlDB's test serdes
 * produce, because its comparator treats each kind differently:
 *   bigint        Java Integer / Long (integral JSON literals, AVRO int/long, KAFKA INT/BIGINT)
 *   number        Java Double (AVRO float/double, JSON_SR numbers, JSON when exact comparison is off)
 *   ExactDecimal  Java BigDecimal (JSON fraction literals, AVRO decimals, KAFKA DOUBLE via
 *                 BigDecimal.valueOf) — equal only with the same digits *and* scale
 *   Buffer        bytes
 *   SpecValue[] / SpecObject / string / boolean / null
 */
export type SpecValue =
  | null
  | boolean
  | string
  | bigint
  | number
  | ExactDecimal
  | Buffer
  | SpecValue[]
  | SpecObject;
export interface SpecObject {
  [field: string]: SpecValue;
}

/** java.math.BigDecimal: unscaled × 10^-scale, scale may be negative (`1E+3`). */
export class ExactDecimal {
  constructor(
    readonly unscaled: bigint,
    readonly scale: number,
  ) {}

  /** new BigDecimal(text) — keeps the scale as written (`1.50` has scale 2, `1E3` scale -3). */
  static parse(text: string): ExactDecimal {
    const m = /^([+-]?)(\d*)(?:\.(\d*))?(?:[eE]([+-]?\d+))?$/.exec(text.trim());
    if (!m || (m[2] === '' && (m[3] ?? '') === '')) throw new RangeError(`not a decimal number: '${text}'`);
    const frac = m[3] ?? '';
    const unscaled = BigInt(`${m[1]}${m[2] || '0'}${frac}`);
    return new ExactDecimal(unscaled, frac.length - Number(m[4] ?? 0));
  }

  /** BigDecimal.equals: same unscaled value and same scale. */
  equals(other: ExactDecimal): boolean {
    return this.unscaled === other.unscaled && this.scale === other.scale;
  }

  toNumber(): number {
    return Number(this.toString());
  }

  /** BigDecimal.toString (plain for scale ≥ 0, otherwise E-notation). */
  toString(): string {
    if (this.scale < 0) return `${this.unscaled}E+${-this.scale}`;
    const neg = this.unscaled < 0n;
    const digits = (neg ? -this.unscaled : this.unscaled).toString();
    if (this.scale === 0) return (neg ? '-' : '') + digits;
    const padded = digits.padStart(this.scale + 1, '0');
    const cut = padded.length - this.scale;
    return `${neg ? '-' : ''}${padded.slice(0, cut)}.${padded.slice(cut)}`;
  }
}

export function isSpecObject(v: SpecValue | undefined): v is SpecObject {
  return (
    v !== null &&
    typeof v === 'object' &&
    !Array.isArray(v) &&
    !(v instanceof ExactDecimal) &&
    !Buffer.isBuffer(v)
  );
}

/** Renders a decoded value for failure messages (JSON-like; decimals and longs exact). */
export function renderSpec(v: SpecValue | undefined): string {
  if (v === undefined) return '<missing>';
  if (v === null) return 'null';
  if (typeof v === 'bigint') return v.toString();
  if (typeof v === 'number') return Number.isInteger(v) ? v.toFixed(1) : String(v);
  if (v instanceof ExactDecimal) return v.toString();
  if (Buffer.isBuffer(v)) return `bytes(${v.toString('base64')})`;
  if (typeof v === 'string') return JSON.stringify(v);
  if (typeof v === 'boolean') return String(v);
  if (Array.isArray(v)) return `[${v.map(renderSpec).join(', ')}]`;
  return `{${Object.entries(v)
    .map(([k, x]) => `${JSON.stringify(k)}: ${renderSpec(x)}`)
    .join(', ')}}`;
}

import avro from 'avsc';
import { isJsonObject, JsonNumber, type JsonValue } from './json-text.js';
import { ExactDecimal, type SpecObject, type SpecValue } from './spec-values.js';

/**
 * AVRO test data ↔ bytes, as ksqlDB's test serde does it through Connect's AvroData: record fields
 * matched case-insensitively (missing ones null), ["null", X] unions optional, decimals from JSON
 * numbers (or legacy strings), bytes from base64 strings; decoded values keep AVRO's kinds
 * (int/long → Long, float/double → Double, decimal → BigDecimal, bytes → bytes).
 * Schemas are walked as JSON (avsc's types drop unknown logical types), and avsc encodes with
 * wrapped unions so the branch is explicit both ways.
 */
type Schema = unknown;
interface Named {
  type: string;
  name?: string;
  namespace?: string;
  [k: string]: unknown;
}

/** AVRO longs as BigInt: JS numbers cannot hold a BIGINT beyond 2^53 exactly. */
const BIGINT_LONG = avro.types.LongType.__with({
  fromBuffer: (buf: Buffer) => buf.readBigInt64LE(0),
  toBuffer: (n: bigint) => {
    const buf = Buffer.alloc(8);
    buf.writeBigInt64LE(n);
    return buf;
  },
  fromJSON: (n: number | string) => BigInt(n),
  toJSON: (n: bigint) => Number(n),
  isValid: (n: unknown) => typeof n === 'bigint',
  compare: (a: bigint, b: bigint) => (a === b ? 0 : a < b ? -1 : 1),
});

function isObjectLike(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function longsByName(s: unknown): unknown {
  if (Array.isArray(s)) return s.map(longsByName);
  if (!isObjectLike(s)) return s;
  if (s.type === 'long') return 'long';
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(s)) {
    if (k === 'fields' && Array.isArray(v)) {
      out[k] = v.map((f: Record<string, unknown>) => ({ ...f, type: longsByName(f.type) }));
    } else if (k === 'items' || k === 'values' || k === 'type') out[k] = longsByName(v);
    else out[k] = v;
  }
  return out;
}

const PRIMITIVES = new Set(['null', 'boolean', 'int', 'long', 'float', 'double', 'bytes', 'string']);

export class AvroSpecCodec {
  private readonly type: avro.Type;
  private readonly named = new Map<string, Named>();

  constructor(readonly schemaText: string) {
    const schema = JSON.parse(schemaText) as Schema;
    // avsc takes a registry entry for `"long"` only where the schema names it as a string: longs
    // written as objects (`{"type": "long", "logicalType": …}`) become the plain name for it
    const forAvsc = longsByName(schema);
    this.type =
      forAvsc === 'long'
        ? BIGINT_LONG
        : avro.Type.forSchema(forAvsc as avro.Schema, {
            wrapUnions: 'always',
            registry: { long: BIGINT_LONG },
          });
    this.collect(schema, undefined);
    this.root = schema;
  }

  private readonly root: Schema;

  encode(spec: JsonValue): Buffer {
    return this.type.toBuffer(this.toAvro(spec, this.root, undefined));
  }

  decode(payload: Buffer): SpecValue {
    return this.fromAvro(this.type.fromBuffer(payload), this.root, undefined);
  }

  private collect(s: Schema, ns: string | undefined): void {
    if (Array.isArray(s)) {
      for (const b of s) this.collect(b, ns);
      return;
    }
    if (!s || typeof s !== 'object') return;
    const n = s as Named;
    if ((n.type === 'record' || n.type === 'error' || n.type === 'enum' || n.type === 'fixed') && n.name) {
      const full = this.fullName(n, ns);
      this.named.set(full, n);
      const childNs = full.includes('.') ? full.slice(0, full.lastIndexOf('.')) : undefined;
      for (const f of (n.fields as { type: Schema }[] | undefined) ?? []) this.collect(f.type, childNs);
    } else if (n.type === 'array') this.collect(n.items, ns);
    else if (n.type === 'map') this.collect(n.values, ns);
  }

  private fullName(n: Named, ns: string | undefined): string {
    const name = n.name!;
    if (name.includes('.')) return name;
    const space = n.namespace ?? ns;
    return space ? `${space}.${name}` : name;
  }

  /** Resolves a type reference by name; returns the schema and the namespace its children use. */
  private resolve(s: Schema, ns: string | undefined): { s: Schema; ns: string | undefined } {
    if (typeof s === 'string' && !PRIMITIVES.has(s)) {
      const hit = this.named.get(s) ?? (ns ? this.named.get(`${ns}.${s}`) : undefined);
      if (!hit) throw new Error(`AVRO schema: unknown type '${s}'`);
      return { s: hit, ns: this.childNs(hit, ns) };
    }
    if (s && typeof s === 'object' && !Array.isArray(s) && (s as Named).name) {
      return { s, ns: this.childNs(s as Named, ns) };
    }
    return { s, ns };
  }

  private childNs(n: Named, ns: string | undefined): string | undefined {
    const full = this.fullName(n, ns);
    return full.includes('.') ? full.slice(0, full.lastIndexOf('.')) : undefined;
  }

  private branchName(s: Schema, ns: string | undefined): string {
    if (typeof s === 'string') return PRIMITIVES.has(s) ? s : this.fullNameOfRef(s, ns);
    const n = s as Named;
    if (n.type === 'record' || n.type === 'error' || n.type === 'enum' || n.type === 'fixed')
      return this.fullName(n, ns);
    return n.type;
  }

  /** A Connect map entry: a record named MapEntry (or marked so) with `key` and `value` fields. */
  private isMapEntry(items: Schema, ns: string | undefined): boolean {
    const { s } = this.resolve(items, ns);
    if (!s || typeof s !== 'object' || Array.isArray(s)) return false;
    const n = s as Named;
    if (n.type !== 'record') return false;
    const fields = (n.fields as { name: string }[]).map((f) => f.name);
    const marked =
      n['connect.internal.type'] === 'MapEntry' ||
      this.fullName(n, ns) === 'io.confluent.connect.avro.MapEntry';
    return marked && fields.length === 2 && fields.includes('key') && fields.includes('value');
  }

  private fullNameOfRef(name: string, ns: string | undefined): string {
    if (this.named.has(name)) return name;
    return ns && this.named.has(`${ns}.${name}`) ? `${ns}.${name}` : name;
  }

  private toAvro(spec: JsonValue, schema: Schema, ns: string | undefined): unknown {
    if (Array.isArray(schema)) {
      if (spec === null) {
        if (!schema.includes('null')) throw new Error('AVRO: null for a non-optional field');
        return null;
      }
      const branch = schema.find((b) => b !== 'null');
      return { [this.branchName(branch, ns)]: this.toAvro(spec, branch, ns) };
    }
    const { s, ns: inner } = this.resolve(schema, ns);
    const kind = typeof s === 'string' ? s : (s as Named).type;
    if (spec === null) {
      if (kind === 'null') return null;
      throw new Error(`AVRO: null for a non-optional ${kind}`);
    }
    const text = spec instanceof JsonNumber ? spec.text : typeof spec === 'string' ? spec : String(spec);
    const n = s as Named;
    switch (kind) {
      case 'int':
        return Number.parseInt(text, 10);
      case 'long':
        return BigInt(text.includes('.') || /e/i.test(text) ? Math.trunc(Number(text)) : text);
      case 'float':
      case 'double':
        return Number(text);
      case 'boolean':
        return text.toLowerCase() === 'true';
      case 'string':
      case 'enum':
        return text;
      case 'bytes':
      case 'fixed':
        if (typeof s === 'object' && n.logicalType === 'decimal') {
          return decimalBytes(spec, Number(n.scale ?? 0));
        }
        return Buffer.from(text, 'base64');
      case 'array':
        if (isJsonObject(spec) && this.isMapEntry(n.items, inner)) {
          // Connect writes maps with optional keys as arrays of key/value records
          return Object.entries(spec).map(([k, v]) => this.toAvro({ key: k, value: v }, n.items, inner));
        }
        if (!Array.isArray(spec)) throw new Error('AVRO: expected an array');
        return spec.map((e) => this.toAvro(e, n.items, inner));
      case 'map': {
        if (!isJsonObject(spec)) throw new Error('AVRO: expected an object for a map');
        const out: Record<string, unknown> = {};
        for (const [k, v] of Object.entries(spec)) out[k] = this.toAvro(v, n.values, inner);
        return out;
      }
      case 'record':
      case 'error': {
        if (!isJsonObject(spec)) throw new Error('AVRO: expected an object for a record');
        const byUpper = new Map(Object.keys(spec).map((k) => [k.toUpperCase(), k]));
        const out: Record<string, unknown> = {};
        for (const f of n.fields as { name: string; type: Schema }[]) {
          const key = byUpper.get(f.name.toUpperCase());
          out[f.name] = this.toAvro(key === undefined ? null : spec[key], f.type, inner);
        }
        return out;
      }
      default:
        throw new Error(`AVRO: test data for type ${kind} is not supported`);
    }
  }

  private fromAvro(v: unknown, schema: Schema, ns: string | undefined): SpecValue {
    if (v === null || v === undefined) return null;
    if (Array.isArray(schema)) {
      const [branch, value] = Object.entries(v as Record<string, unknown>)[0];
      const s = schema.find((b) => this.branchName(b, ns) === branch);
      return this.fromAvro(value, s, ns);
    }
    const { s, ns: inner } = this.resolve(schema, ns);
    const kind = typeof s === 'string' ? s : (s as Named).type;
    const n = s as Named;
    switch (kind) {
      case 'int':
      case 'long':
        return BigInt(v as number | bigint);
      case 'float':
      case 'double':
        return v as number;
      case 'boolean':
      case 'string':
      case 'enum':
        return v as string | boolean;
      case 'bytes':
      case 'fixed':
        if (typeof s === 'object' && n.logicalType === 'decimal') {
          return new ExactDecimal(fromTwosComplement(v as Buffer), Number(n.scale ?? 0));
        }
        return v as Buffer;
      case 'array':
        if (this.isMapEntry(n.items, inner)) {
          const out: SpecObject = {};
          for (const e of v as unknown[]) {
            const entry = this.fromAvro(e, n.items, inner) as SpecObject;
            out[String(entry.key)] = entry.value;
          }
          return out;
        }
        return (v as unknown[]).map((e) => this.fromAvro(e, n.items, inner));
      case 'map': {
        const out: SpecObject = {};
        for (const [k, x] of Object.entries(v as Record<string, unknown>))
          out[k] = this.fromAvro(x, n.values, inner);
        return out;
      }
      case 'record':
      case 'error': {
        const out: SpecObject = {};
        const rec = v as Record<string, unknown>;
        for (const f of n.fields as { name: string; type: Schema }[])
          out[f.name] = this.fromAvro(rec[f.name], f.type, inner);
        return out;
      }
      default:
        return null;
    }
  }
}

function decimalBytes(spec: JsonValue, scale: number): Buffer {
  const text = spec instanceof JsonNumber ? spec.text : typeof spec === 'string' ? spec : undefined;
  if (text === undefined) throw new Error('DECIMAL type requires JSON number in test data');
  const d = ExactDecimal.parse(text);
  let unscaled = d.unscaled;
  if (d.scale < scale) unscaled *= 10n ** BigInt(scale - d.scale);
  else if (d.scale > scale) {
    // HALF_UP to the schema's scale (ksqlDB casts legacy strings this way)
    const div = 10n ** BigInt(d.scale - scale);
    const q = unscaled / div;
    const r = unscaled % div;
    const twice = (r < 0n ? -r : r) * 2n;
    unscaled = twice >= div ? q + (unscaled < 0n ? -1n : 1n) : q;
  }
  return toTwosComplement(unscaled);
}

function toTwosComplement(v: bigint): Buffer {
  let hex = (v < 0n ? -v : v).toString(16);
  if (hex.length % 2) hex = `0${hex}`;
  let bytes = Buffer.from(hex, 'hex');
  if (v >= 0n) return bytes[0] & 0x80 ? Buffer.concat([Buffer.from([0]), bytes]) : bytes;
  const len = bytes.length + 1;
  const mod = 1n << BigInt(len * 8);
  hex = (mod + v).toString(16).padStart(len * 2, '0');
  bytes = Buffer.from(hex, 'hex');
  // drop redundant leading 0xff
  let i = 0;
  while (i < bytes.length - 1 && bytes[i] === 0xff && bytes[i + 1] & 0x80) i++;
  return bytes.subarray(i);
}

function fromTwosComplement(b: Buffer): bigint {
  if (b.length === 0) return 0n;
  const v = BigInt(`0x${b.toString('hex')}`);
  return b[0] & 0x80 ? v - (1n << BigInt(b.length * 8)) : v;
}

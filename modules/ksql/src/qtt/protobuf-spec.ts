import protobuf from 'protobufjs';
import {
  decodeMessageIndexes,
  encodeMessageIndexes,
  fullNameOf,
  type LoadedSchema,
  loadProto,
  messageAt,
  messageIndexes,
  metaParams,
  pickMessage,
} from '../format/protobuf-load.js';
import { connectFields } from '../format/protobuf-fields.js';
import { isJsonObject, JsonNumber, type JsonValue } from './json-text.js';
import { ExactDecimal, type SpecObject, type SpecValue } from './spec-values.js';

/**
 * PROTOBUF test data ↔ bytes, as ksqlDB's test serdes do it (SpecToConnectConverter + Confluent's
 * ProtobufConverter): message fields matched case-insensitively, nulls left unset, implicit
 * scalars at their default left out (Java's serializer), decimals from JSON numbers, DATE / TIME /
 * TIMESTAMP from integers, bytes from base64; decoded values take Connect's kinds (int32 / int64
 * → Long, float / double → Double, Decimal → BigDecimal, Date → days, TimeOfDay → ms,
 * Timestamp → ms) with proto3's defaults for absent scalars and null for absent messages.
 * Only the schema parsing is shared with the engine's format; the value rules are written here.
 */

const WRAPPERS = new Set([
  'google.protobuf.DoubleValue',
  'google.protobuf.FloatValue',
  'google.protobuf.Int64Value',
  'google.protobuf.UInt64Value',
  'google.protobuf.Int32Value',
  'google.protobuf.UInt32Value',
  'google.protobuf.BoolValue',
  'google.protobuf.StringValue',
  'google.protobuf.BytesValue',
]);

const LONG_TYPES = new Set(['int64', 'uint64', 'sint64', 'fixed64', 'sfixed64', 'uint32', 'fixed32']);
const INT_TYPES = new Set(['int32', 'sint32', 'sfixed32']);

function isEntry(field: protobuf.Field): boolean {
  const t = field.resolvedType;
  return (
    field.repeated &&
    t instanceof protobuf.Type &&
    t.name.endsWith('Entry') &&
    t.fieldsArray.length === 2 &&
    t.fieldsArray[0].name === 'key' &&
    t.fieldsArray[1].name === 'value'
  );
}

function explicitPresence(field: protobuf.Field): boolean {
  return !field.repeated && !field.map && (field.resolvedType instanceof protobuf.Type || field.hasPresence);
}

function text(spec: JsonValue): string {
  return spec instanceof JsonNumber ? spec.text : typeof spec === 'string' ? spec : String(spec);
}

function isDefault(v: unknown, protoType?: string): boolean {
  // longs are passed to protobufjs as decimal strings
  if (protoType !== undefined && LONG_TYPES.has(protoType)) return v === '0' || v === '-0';
  if (typeof v === 'number') return Object.is(v, 0);
  if (typeof v === 'string') return v === '';
  if (typeof v === 'boolean') return !v;
  if (v instanceof Uint8Array) return v.length === 0;
  return false;
}

function twos(unscaled: bigint): Buffer {
  let hex = (unscaled < 0n ? -unscaled : unscaled).toString(16);
  if (hex.length % 2) hex = `0${hex}`;
  const bytes = Buffer.from(hex, 'hex');
  if (unscaled >= 0n)
    return bytes.length === 0 || bytes[0] & 0x80 ? Buffer.concat([Buffer.from([0]), bytes]) : bytes;
  let width = bytes.length;
  if (-unscaled > 1n << BigInt(width * 8 - 1)) width += 1;
  return Buffer.from(((1n << BigInt(width * 8)) + unscaled).toString(16).padStart(width * 2, '0'), 'hex');
}

function fromTwos(b: Uint8Array): bigint {
  if (b.length === 0) return 0n;
  const v = BigInt(`0x${Buffer.from(b).toString('hex')}`);
  return b[0] & 0x80 ? v - (1n << BigInt(b.length * 8)) : v;
}

function toBigInt(v: unknown): bigint {
  if (typeof v === 'number') return BigInt(v);
  const l = v as { unsigned?: boolean; toSigned(): { toString(): string }; toString(): string };
  return BigInt(l.unsigned ? l.toSigned().toString() : l.toString());
}

export class ProtobufSpecCodec {
  private readonly schema: LoadedSchema;
  readonly type: protobuf.Type;
  private readonly indexes: number[];

  /**
   * `fullName` picks the message (the format's *_SCHEMA_FULL_NAME), the first one otherwise;
   * `imports` holds the texts of the files the schema imports (its references).
   */
  constructor(schemaText: string, fullName?: string, imports?: ReadonlyMap<string, string>) {
    this.schema = loadProto(schemaText, imports);
    const t = pickMessage(this.schema, fullName);
    if (!t) throw new Error(`PROTOBUF schema has no message ${fullName ?? ''}`);
    this.type = t;
    this.indexes = messageIndexes(this.schema, t);
  }

  /** The message-index prefix of this codec's message. */
  indexBytes(): Buffer {
    return encodeMessageIndexes(this.indexes);
  }

  encode(spec: JsonValue): Buffer {
    const obj = this.message(spec, this.type);
    const bytes = this.type.encode(obj).finish();
    return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  }

  /** Decodes a framed payload's message bytes (after the indexes at `offset`). */
  decodeFramed(payload: Buffer, offset: number): SpecValue {
    const { indexes, end } = decodeMessageIndexes(payload, offset);
    const t = messageAt(this.schema, indexes);
    if (!t) throw new Error(`no message at indexes [${indexes.join(', ')}]`);
    return this.fromMessage(t.decode(payload.subarray(end)) as unknown as Record<string, unknown>, t);
  }

  decode(payload: Buffer): SpecValue {
    return this.fromMessage(this.type.decode(payload) as unknown as Record<string, unknown>, this.type);
  }

  private message(spec: JsonValue, t: protobuf.Type): Record<string, unknown> {
    if (!isJsonObject(spec)) throw new Error(`PROTOBUF: expected an object for message ${t.name}`);
    const byUpper = new Map(connectFields(t).map((cf) => [cf.name.toUpperCase(), cf]));
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(spec)) {
      const cf = byUpper.get(k.toUpperCase());
      if (!cf || v === null) continue;
      if (cf.kind === 'union') {
        // Connect's union STRUCT: its first non-null member is the one set
        if (!isJsonObject(v)) throw new Error(`PROTOBUF: expected an object for oneof ${cf.name}`);
        const members = new Map(cf.members.map((f) => [f.name.toUpperCase(), f]));
        const set = Object.entries(v).find(([mk, mv]) => mv !== null && members.has(mk.toUpperCase()));
        if (set) {
          const f = members.get(set[0].toUpperCase())!;
          out[f.name] = this.field(set[1], f);
        }
        continue;
      }
      const f = cf.field;
      const value = this.field(v, f);
      if (value === undefined) continue;
      if (!explicitPresence(f) && !f.repeated && !f.map && isDefault(value, f.type)) continue;
      out[f.name] = value;
    }
    return out;
  }

  private field(spec: JsonValue, f: protobuf.Field): unknown {
    if (f.map) {
      if (!isJsonObject(spec)) throw new Error(`PROTOBUF: expected an object for map ${f.name}`);
      const out: Record<string, unknown> = {};
      for (const [k, v] of Object.entries(spec)) if (v !== null) out[k] = this.single(v, f);
      return out;
    }
    if (isEntry(f)) {
      if (!isJsonObject(spec)) throw new Error(`PROTOBUF: expected an object for map ${f.name}`);
      const entries = Object.entries(spec).map(([k, v]) =>
        this.message({ key: k, value: v }, f.resolvedType as protobuf.Type),
      );
      return entries.length === 0 ? undefined : entries;
    }
    if (f.repeated) {
      if (!Array.isArray(spec)) throw new Error(`PROTOBUF: expected an array for ${f.name}`);
      return spec.length === 0 ? undefined : spec.map((e) => this.single(e, f));
    }
    return this.single(spec, f);
  }

  private single(spec: JsonValue, f: protobuf.Field): unknown {
    const t = f.resolvedType;
    if (t instanceof protobuf.Enum) return t.values[text(spec)] ?? Number(text(spec));
    if (t instanceof protobuf.Type) return this.messageValue(spec, t, f);
    return this.scalar(spec, f.type);
  }

  private scalar(spec: JsonValue, protoType: string): unknown {
    const s = text(spec);
    if (INT_TYPES.has(protoType)) return Number.parseInt(s, 10);
    if (LONG_TYPES.has(protoType)) return s.includes('.') || /e/i.test(s) ? String(Math.trunc(Number(s))) : s;
    switch (protoType) {
      case 'float':
      case 'double':
        return Number(s);
      case 'bool':
        return s.toLowerCase() === 'true';
      case 'string':
        return s;
      case 'bytes':
        return Buffer.from(s, 'base64');
      default:
        throw new Error(`PROTOBUF: test data for type ${protoType} is not supported`);
    }
  }

  private messageValue(spec: JsonValue, t: protobuf.Type, f: protobuf.Field): unknown {
    const name = fullNameOf(t);
    const drop = (o: Record<string, unknown>) => {
      for (const k of Object.keys(o)) if (isDefault(o[k])) delete o[k];
      return o;
    };
    switch (name) {
      case 'confluent.type.Decimal': {
        let d = ExactDecimal.parse(text(spec));
        const scaleParam = metaParams(f).get('scale');
        if (scaleParam !== undefined && Number(scaleParam) > d.scale) {
          const s = Number(scaleParam);
          d = new ExactDecimal(d.unscaled * 10n ** BigInt(s - d.scale), s);
        }
        const digits = (d.unscaled < 0n ? -d.unscaled : d.unscaled).toString().length;
        return drop({ value: twos(d.unscaled), precision: digits, scale: d.scale });
      }
      case 'google.type.Date': {
        const date = new Date(Number(text(spec)) * 86_400_000);
        return drop({ year: date.getUTCFullYear(), month: date.getUTCMonth() + 1, day: date.getUTCDate() });
      }
      case 'google.type.TimeOfDay': {
        const ms = Number(text(spec));
        return drop({
          hours: Math.floor(ms / 3_600_000),
          minutes: Math.floor(ms / 60_000) % 60,
          seconds: Math.floor(ms / 1000) % 60,
          nanos: (ms % 1000) * 1_000_000,
        });
      }
      case 'google.protobuf.Timestamp': {
        const ms = Number(text(spec));
        const seconds = Math.floor(ms / 1000);
        return drop({ seconds, nanos: (ms - seconds * 1000) * 1_000_000 });
      }
      default:
        if (WRAPPERS.has(name)) {
          const value = this.scalar(spec, t.fields.value.type);
          return isDefault(value, t.fields.value.type) ? {} : { value };
        }
        return this.message(spec, t);
    }
  }

  private fromMessage(m: Record<string, unknown>, t: protobuf.Type): SpecObject {
    const out: SpecObject = {};
    const isSet = (f: protobuf.Field) => Object.hasOwn(m, f.name) && m[f.name] != null;
    for (const cf of connectFields(t)) {
      if (cf.kind === 'union') {
        // a oneof reads as Connect's union STRUCT, null when no member is set
        if (!cf.members.some(isSet)) {
          out[cf.name] = null;
          continue;
        }
        const union: SpecObject = {};
        for (const f of cf.members) union[f.name] = isSet(f) ? this.fromField(m[f.name], f) : null;
        out[cf.name] = union;
        continue;
      }
      const f = cf.field;
      out[f.name] = explicitPresence(f) && !isSet(f) ? null : this.fromField(m[f.name], f);
    }
    return out;
  }

  private fromField(v: unknown, f: protobuf.Field): SpecValue {
    if (f.map) {
      const out: SpecObject = {};
      for (const [k, x] of Object.entries((v ?? {}) as Record<string, unknown>))
        out[k] = this.fromSingle(x, f);
      return out;
    }
    if (isEntry(f)) {
      const out: SpecObject = {};
      const entry = f.resolvedType as protobuf.Type;
      for (const e of (v ?? []) as Record<string, unknown>[]) {
        const decoded = this.fromMessage(e, entry);
        out[String(decoded.key)] = decoded.value;
      }
      return out;
    }
    if (f.repeated) return ((v ?? []) as unknown[]).map((e) => this.fromSingle(e, f));
    return this.fromSingle(v, f);
  }

  private fromSingle(v: unknown, f: protobuf.Field): SpecValue {
    if (v === null || v === undefined) return null;
    const t = f.resolvedType;
    if (t instanceof protobuf.Enum) return t.valuesById[v as number] ?? String(v);
    if (t instanceof protobuf.Type) {
      const m = v as Record<string, unknown>;
      switch (fullNameOf(t)) {
        case 'confluent.type.Decimal':
          return new ExactDecimal(
            fromTwos((m.value as Uint8Array) ?? new Uint8Array()),
            Number(m.scale ?? 0),
          );
        case 'google.type.Date':
          return BigInt(Date.UTC(m.year as number, (m.month as number) - 1, m.day as number) / 86_400_000);
        case 'google.type.TimeOfDay':
          return BigInt(
            (((m.hours as number) * 60 + (m.minutes as number)) * 60 + (m.seconds as number)) * 1000 +
              Math.trunc((m.nanos as number) / 1_000_000),
          );
        case 'google.protobuf.Timestamp':
          return toBigInt(m.seconds) * 1000n + BigInt(Math.trunc((m.nanos as number) / 1_000_000));
        default:
          if (WRAPPERS.has(fullNameOf(t))) return this.fromSingle(m.value, t.fields.value);
          return this.fromMessage(m, t);
      }
    }
    if (INT_TYPES.has(f.type) || LONG_TYPES.has(f.type)) return toBigInt(v);
    if (f.type === 'float' || f.type === 'double') return v as number;
    if (f.type === 'bytes') return Buffer.from(v as Uint8Array);
    return v as string | boolean;
  }
}

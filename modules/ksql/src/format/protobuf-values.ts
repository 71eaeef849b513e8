import protobuf from 'protobufjs';
import type { SqlType } from '../types/sql-type.js';
import { Decimal } from '../values/decimal.js';
import { MS_PER_DAY } from '../values/temporal.js';
import { bytesToUnscaled, decimalToBytes, rescaleExact } from './decimal-codec.js';
import { javaDoubleToString } from './java-text.js';

/**
 * Runtime values ↔ the plain objects protobufjs encodes and the messages it decodes, compiled
 * once per (message type, SQL type) pair, with Confluent's ProtobufData rules:
 *
 * Writing: a null is left unset; implicit-presence scalars equal to their default are left unset
 * too (Java's proto3 serializer never writes them — protobufjs would); empty arrays and maps are
 * unset; wrappers, Decimal, Date, TimeOfDay and Timestamp are built as Confluent builds them.
 * Reading: an absent implicit-presence scalar reads as its default (0, "", false, empty bytes),
 * an absent message / `optional` / oneof field as null, an absent repeated field as [] or an
 * empty map. Fields are matched to columns by name, exactly or upper-cased.
 */

export type Convert = (value: unknown) => unknown;

export class ProtobufReadError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ProtobufReadError';
  }
}

export class ProtobufWriteError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ProtobufWriteError';
  }
}

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

function nameOf(type: protobuf.Type): string {
  return type.fullName.startsWith('.') ? type.fullName.slice(1) : type.fullName;
}

export function isWrapperType(type: protobuf.Type): boolean {
  return WRAPPERS.has(nameOf(type));
}

/**
 * A repeated field of `XEntry` messages with `key` = 1 and `value` = 2 (Connect's maps). Confluent
 * reads an entry whose value is repeated (ksqlDB's own MAP<STRING, ARRAY<…>>) as an array of
 * structs; `repeatedValues` accepts it as a map where the column says MAP.
 */
export function isMapEntryField(field: protobuf.Field, repeatedValues = false): boolean {
  if (!field.repeated || field.map) return false;
  const t = field.resolvedType;
  if (!(t instanceof protobuf.Type) || !t.name.endsWith('Entry')) return false;
  const fs = t.fieldsArray;
  return (
    fs.length === 2 &&
    fs[0].name === 'key' &&
    fs[1].name === 'value' &&
    !fs[0].repeated &&
    (repeatedValues || !fs[1].repeated)
  );
}

/** Whether an unset field reads as null (message, oneof, `optional`, proto2) rather than a default. */
export function hasExplicitPresence(field: protobuf.Field): boolean {
  if (field.repeated || field.map) return false;
  return field.resolvedType instanceof protobuf.Type || field.partOf !== null || field.hasPresence;
}

// ---------------------------------------------------------------------------------------------
// Scalars
// ---------------------------------------------------------------------------------------------

/** Connect's view of a scalar field type (enums are handled apart, as strings). */
type ScalarKind = 'int32' | 'int64' | 'uint64' | 'float32' | 'float64' | 'boolean' | 'string' | 'bytes';

function scalarKind(protoType: string): ScalarKind | undefined {
  switch (protoType) {
    case 'int32':
    case 'sint32':
    case 'sfixed32':
      return 'int32';
    case 'uint32':
    case 'fixed32':
    case 'int64':
    case 'sint64':
    case 'sfixed64':
      return 'int64';
    case 'uint64':
    case 'fixed64':
      return 'uint64';
    case 'float':
      return 'float32';
    case 'double':
      return 'float64';
    case 'bool':
      return 'boolean';
    case 'string':
      return 'string';
    case 'bytes':
      return 'bytes';
    default:
      return undefined;
  }
}

/** protobufjs longs (Long objects, or numbers without the long library) → a JS number, signed as Java's long. */
function longToNumber(v: unknown): number {
  if (typeof v === 'number') return v;
  if (typeof v === 'string') return Number(v);
  const l = v as { toSigned?: () => { toNumber(): number }; toNumber(): number; unsigned?: boolean };
  return l.unsigned && l.toSigned ? l.toSigned().toNumber() : l.toNumber();
}

/** Whether a scalar equals its proto3 default (then Java leaves it out). */
function isDefault(v: unknown): boolean {
  if (typeof v === 'number') return Object.is(v, 0);
  if (typeof v === 'string') return v === '';
  if (typeof v === 'boolean') return !v;
  if (Buffer.isBuffer(v) || v instanceof Uint8Array) return v.length === 0;
  return false;
}

function mismatch(from: string, type: SqlType, path: string): Convert {
  const message = `Cannot deserialize type ${from} as type ${type.base} for path: ${path}`;
  return () => {
    throw new ProtobufReadError(message);
  };
}

// ---------------------------------------------------------------------------------------------
// Reading
// ---------------------------------------------------------------------------------------------

/** Reads one value of a (non-repeated view of a) field: a scalar, enum or message. */
function singleReader(field: protobuf.Field, type: SqlType, path: string): Convert {
  const t = field.resolvedType;
  if (t instanceof protobuf.Enum) {
    if (type.base !== 'STRING') return mismatch('STRING', type, path);
    const byId = t.valuesById;
    return (v) => byId[v as number] ?? String(v);
  }
  if (t instanceof protobuf.Type) return messageValueReader(t, type, path);
  const kind = scalarKind(field.type);
  if (!kind) return mismatch(field.type, type, path);
  return scalarReader(kind, type, path);
}

function scalarReader(kind: ScalarKind, type: SqlType, path: string): Convert {
  switch (type.base) {
    case 'INTEGER':
      return kind === 'int32' ? (v) => v : mismatch(kind.toUpperCase(), type, path);
    case 'BIGINT':
      if (kind === 'int32') return (v) => v;
      return kind === 'int64' || kind === 'uint64' ? longToNumber : mismatch(kind.toUpperCase(), type, path);
    case 'DOUBLE':
      return kind === 'float32' || kind === 'float64' ? (v) => v : mismatch(kind.toUpperCase(), type, path);
    case 'BOOLEAN':
      return kind === 'boolean' ? (v) => v : mismatch(kind.toUpperCase(), type, path);
    case 'STRING':
      switch (kind) {
        case 'string':
          return (v) => v;
        case 'float32':
        case 'float64':
          return (v) => javaDoubleToString(v as number);
        case 'int64':
        case 'uint64':
          return (v) => String(longToNumber(v));
        case 'bytes':
          return mismatch('BYTES', type, path);
        default:
          return (v) => String(v);
      }
    case 'BYTES':
      return kind === 'bytes'
        ? (v) => Buffer.from(v as Uint8Array)
        : mismatch(kind.toUpperCase(), type, path);
    default:
      return mismatch(kind === 'uint64' ? 'INT64' : kind.toUpperCase(), type, path);
  }
}

function messageValueReader(t: protobuf.Type, type: SqlType, path: string): Convert {
  const name = nameOf(t);
  switch (name) {
    case 'confluent.type.Decimal': {
      if (type.base !== 'DECIMAL') return mismatch('BYTES', type, path);
      const scale = type.scale;
      return (v) => {
        const m = v as { value?: Uint8Array; scale?: number };
        const d = new Decimal(bytesToUnscaled(Buffer.from(m.value ?? [])), m.scale ?? 0);
        return rescaleExact(d, scale) ?? d;
      };
    }
    case 'google.type.Date':
      if (type.base !== 'DATE') return mismatch('INT32', type, path);
      return (v) => {
        const m = v as { year: number; month: number; day: number };
        return Date.UTC(m.year, m.month - 1, m.day) / MS_PER_DAY;
      };
    case 'google.type.TimeOfDay':
      if (type.base !== 'TIME') return mismatch('INT32', type, path);
      return (v) => {
        const m = v as { hours: number; minutes: number; seconds: number; nanos: number };
        return ((m.hours * 60 + m.minutes) * 60 + m.seconds) * 1000 + Math.trunc(m.nanos / 1_000_000);
      };
    case 'google.protobuf.Timestamp':
      if (type.base !== 'TIMESTAMP') return mismatch('INT64', type, path);
      return (v) => {
        const m = v as { seconds: unknown; nanos: number };
        return longToNumber(m.seconds) * 1000 + Math.trunc(m.nanos / 1_000_000);
      };
    default:
      break;
  }
  if (isWrapperType(t)) {
    const inner = singleReader(t.fields.value, type, path);
    return (v) => inner((v as Record<string, unknown>).value);
  }
  if (type.base !== 'STRUCT') return mismatch('STRUCT', type, path);
  return structReader(t, type.fields, path);
}

/** Reads a field's value as held by a decoded message (`undefined`/absent handled by the caller). */
export function compileFieldReader(field: protobuf.Field, type: SqlType, path: string): Convert {
  if (field.map) {
    if (type.base !== 'MAP') return mismatch('MAP', type, path);
    const value = singleReader(field, type.value, `${path}->MAP_VAL`);
    const explicit = field.resolvedType instanceof protobuf.Type;
    return (v) => {
      const obj = (v ?? {}) as Record<string, unknown>;
      const out = new Map<unknown, unknown>();
      for (const k of Object.keys(obj)) out.set(k, explicit && obj[k] == null ? null : value(obj[k]));
      return out;
    };
  }
  if (isMapEntryField(field, type.base === 'MAP')) {
    if (type.base !== 'MAP') return mismatch('MAP', type, path);
    const entry = field.resolvedType as protobuf.Type;
    const [kf, vf] = entry.fieldsArray;
    const key = entryPart(kf, type.key, `${path}->MAP_KEY`);
    const value = entryPart(vf, type.value, `${path}->MAP_VAL`);
    return (v) => {
      const out = new Map<unknown, unknown>();
      for (const e of (v ?? []) as Record<string, unknown>[]) out.set(key(e), value(e));
      return out;
    };
  }
  if (field.repeated) {
    if (type.base !== 'ARRAY') return mismatch('ARRAY', type, path);
    const element = singleReader(field, type.element, `${path}->ARRAY`);
    return (v) => ((v ?? []) as unknown[]).map(element);
  }
  return singleReader(field, type, path);
}

/** Reads the key or value of a map entry message, with presence rules. */
function entryPart(
  f: protobuf.Field,
  type: SqlType,
  path: string,
): (entry: Record<string, unknown>) => unknown {
  const read = compileFieldReader(f, type, path);
  const name = f.name;
  if (hasExplicitPresence(f))
    return (e) => (Object.hasOwn(e, name) && e[name] != null ? read(e[name]) : null);
  return (e) => read(e[name]);
}

/**
 * A message's fields as Connect sees them (ProtobufData.toConnectSchema): each real oneof first, as
 * one optional STRUCT field `<oneof>_<index>` of its members, then the other fields in order.
 */
export type ConnectField =
  | { readonly kind: 'field'; readonly name: string; readonly field: protobuf.Field }
  | { readonly kind: 'union'; readonly name: string; readonly members: readonly protobuf.Field[] };

export function connectFields(t: protobuf.Type): ConnectField[] {
  const out: ConnectField[] = [];
  const inUnion = new Set<protobuf.Field>();
  t.oneofsArray.forEach((o, i) => {
    const members = o.fieldsArray;
    // proto3 `optional` fields are synthetic oneofs of one member: plain fields to Connect
    if (members.length === 1 && members[0].options?.proto3_optional) return;
    for (const f of members) inUnion.add(f);
    out.push({ kind: 'union', name: `${o.name}_${i}`, members });
  });
  for (const f of t.fieldsArray) if (!inUnion.has(f)) out.push({ kind: 'field', name: f.name, field: f });
  return out;
}

type Target = { readonly name: string; readonly type: SqlType };

/** Matches a proto (or union) name to a target: exactly, then upper-cased. */
function targetIndex(targets: readonly Target[]): (name: string) => number | undefined {
  const index = new Map(targets.map((f, i) => [f.name, i]));
  return (name) => index.get(name) ?? index.get(name.toUpperCase());
}

interface ReadPlan {
  readonly to: number;
  readonly get: (message: Record<string, unknown>) => unknown;
}

function fieldGetter(f: protobuf.Field, read: Convert): (m: Record<string, unknown>) => unknown {
  const name = f.name;
  if (hasExplicitPresence(f))
    return (m) => (Object.hasOwn(m, name) && m[name] != null ? read(m[name]) : null);
  return (m) => read(m[name]);
}

/** A oneof read as Connect's union STRUCT: null when no member is set. */
function unionGetter(
  members: readonly protobuf.Field[],
  type: SqlType,
  path: string,
): (m: Record<string, unknown>) => unknown {
  if (type.base !== 'STRUCT') {
    const fail = mismatch('STRUCT', type, path);
    return (m) => (members.some((f) => Object.hasOwn(m, f.name) && m[f.name] != null) ? fail(m) : null);
  }
  const index = targetIndex(type.fields);
  const names = type.fields.map((f) => f.name);
  const reads = members.map((f) => {
    const to = index(f.name);
    return {
      from: f.name,
      to: to === undefined ? undefined : names[to],
      read:
        to === undefined ? undefined : compileFieldReader(f, type.fields[to].type, `${path}->${names[to]}`),
    };
  });
  return (m) => {
    let set = false;
    const out: Record<string, unknown> = {};
    for (const n of names) out[n] = null;
    for (const r of reads) {
      if (!Object.hasOwn(m, r.from) || m[r.from] == null) continue;
      set = true;
      if (r.to !== undefined && r.read) out[r.to] = r.read(m[r.from]);
    }
    return set ? out : null;
  };
}

/** Plans reading a message's (Connect) fields into targets matched by name. */
function readPlans(
  t: protobuf.Type,
  targets: readonly Target[],
  path: string,
  pathOf: (target: string) => string,
): ReadPlan[] {
  const index = targetIndex(targets);
  const plans: ReadPlan[] = [];
  for (const cf of connectFields(t)) {
    const to = index(cf.name);
    if (to === undefined) continue;
    const at = path + pathOf(targets[to].name);
    plans.push({
      to,
      get:
        cf.kind === 'field'
          ? fieldGetter(cf.field, compileFieldReader(cf.field, targets[to].type, at))
          : unionGetter(cf.members, targets[to].type, at),
    });
  }
  return plans;
}

function structReader(t: protobuf.Type, fields: readonly Target[], path: string): Convert {
  const plans = readPlans(t, fields, path, (n) => `->${n}`);
  const names = fields.map((f) => f.name);
  return (v) => {
    const m = v as Record<string, unknown>;
    const out: Record<string, unknown> = {};
    for (const n of names) out[n] = null;
    for (const p of plans) out[names[p.to]] = p.get(m);
    return out;
  };
}

/** A decoded root message → the row of `columns`. */
export function compileRowReader(
  t: protobuf.Type,
  columns: readonly Target[],
): (message: Record<string, unknown>) => unknown[] {
  const plans = readPlans(t, columns, '', (n) => n);
  const n = columns.length;
  return (m) => {
    const row = new Array<unknown>(n).fill(null);
    for (const p of plans) row[p.to] = p.get(m);
    return row;
  };
}

/** A decoded unwrapped root (a wrapper message, or a STRUCT column's message) → the one value. */
export function compileUnwrappedReader(
  t: protobuf.Type,
  type: SqlType,
): (message: Record<string, unknown>) => unknown {
  return messageValueReader(t, type, '') as (message: Record<string, unknown>) => unknown;
}

// ---------------------------------------------------------------------------------------------
// Writing
// ---------------------------------------------------------------------------------------------

function scalarWriter(protoType: string, type: SqlType): Convert {
  const kind = scalarKind(protoType);
  switch (kind) {
    case 'string':
      if (type.base === 'STRING') return (v) => v;
      if (type.base === 'DOUBLE') return (v) => javaDoubleToString(v as number);
      return (v) => String(v);
    case 'bytes':
      return (v) => v;
    case 'boolean':
      return (v) => v;
    case 'float32':
    case 'float64':
    case 'int32':
    case 'int64':
    case 'uint64':
      if (type.base === 'DECIMAL') return (v) => (v as Decimal).toNumber();
      if (kind === 'int32') return (v) => (v as number) | 0;
      return (v) => v;
    default:
      throw new ProtobufWriteError(`cannot write ${type.base} as protobuf ${protoType}`);
  }
}

function messageValueWriter(t: protobuf.Type, type: SqlType): Convert {
  switch (nameOf(t)) {
    case 'confluent.type.Decimal': {
      const scale = type.base === 'DECIMAL' ? type.scale : undefined;
      return (v) => {
        let d = v as Decimal;
        if (scale !== undefined && d.scale !== scale) d = rescaleExact(d, scale) ?? d;
        // DecimalUtils.fromBigDecimal: unscaled bytes, BigDecimal.precision(), scale (0 left unset)
        const out: Record<string, unknown> = { value: decimalToBytes(d.unscaled), precision: d.precision() };
        if (d.scale !== 0) out.scale = d.scale;
        return out;
      };
    }
    case 'google.type.Date':
      return (v) => {
        const date = new Date((v as number) * MS_PER_DAY);
        return nonDefaults({
          year: date.getUTCFullYear(),
          month: date.getUTCMonth() + 1,
          day: date.getUTCDate(),
        });
      };
    case 'google.type.TimeOfDay':
      return (v) => {
        const ms = v as number;
        return nonDefaults({
          hours: Math.floor(ms / 3_600_000),
          minutes: Math.floor(ms / 60_000) % 60,
          seconds: Math.floor(ms / 1000) % 60,
          nanos: (ms % 1000) * 1_000_000,
        });
      };
    case 'google.protobuf.Timestamp':
      return (v) => {
        const ms = v as number;
        const seconds = Math.floor(ms / 1000);
        return nonDefaults({ seconds, nanos: (ms - seconds * 1000) * 1_000_000 });
      };
    default:
      break;
  }
  if (isWrapperType(t)) {
    const inner = scalarWriter(t.fields.value.type, type);
    return (v) => {
      const value = inner(v);
      return isDefault(value) ? {} : { value };
    };
  }
  if (type.base !== 'STRUCT')
    throw new ProtobufWriteError(`cannot write ${type.base} as protobuf message ${nameOf(t)}`);
  return structWriter(t, type.fields);
}

function nonDefaults(obj: Record<string, number>): Record<string, number> {
  const out: Record<string, number> = {};
  for (const k of Object.keys(obj)) if (obj[k] !== 0) out[k] = obj[k];
  return out;
}

function singleWriter(field: protobuf.Field, type: SqlType): Convert {
  const t = field.resolvedType;
  if (t instanceof protobuf.Enum) {
    const values = t.values;
    return (v) => {
      const n = values[String(v)];
      if (n === undefined) throw new ProtobufWriteError(`'${String(v)}' is not a value of enum ${t.name}`);
      return n;
    };
  }
  if (t instanceof protobuf.Type) return messageValueWriter(t, type);
  return scalarWriter(field.type, type);
}

/** Writes a runtime value of a field; `undefined` means "leave the field unset". */
export function compileFieldWriter(field: protobuf.Field, type: SqlType): Convert {
  if (field.map) {
    const value = type.base === 'MAP' ? singleWriter(field, type.value) : () => undefined;
    return (v) => {
      const out: Record<string, unknown> = {};
      let any = false;
      for (const [k, mv] of v as Map<unknown, unknown>) {
        if (mv === null || mv === undefined) continue;
        out[String(k)] = value(mv);
        any = true;
      }
      return any ? out : undefined;
    };
  }
  if (type.base === 'MAP' && isMapEntryField(field, true)) {
    const entry = field.resolvedType as protobuf.Type;
    const [kf, vf] = entry.fieldsArray;
    const key = entryWriter(kf, type.key);
    const value = entryWriter(vf, type.value);
    return (v) => {
      const m = v as Map<unknown, unknown>;
      if (m.size === 0) return undefined;
      const out: Record<string, unknown>[] = [];
      for (const [k, mv] of m) {
        const e: Record<string, unknown> = {};
        key(e, k);
        value(e, mv);
        out.push(e);
      }
      return out;
    };
  }
  if (field.repeated) {
    if (type.base !== 'ARRAY')
      throw new ProtobufWriteError(`cannot write ${type.base} as repeated ${field.name}`);
    const element = singleWriter(field, type.element);
    return (v) => {
      const list = v as unknown[];
      if (list.length === 0) return undefined;
      return list.map((e) => {
        if (e === null || e === undefined) {
          throw new ProtobufWriteError(
            `null elements cannot be written to repeated protobuf field ${field.name}`,
          );
        }
        return element(e);
      });
    };
  }
  return singleWriter(field, type);
}

function entryWriter(f: protobuf.Field, type: SqlType): (entry: Record<string, unknown>, v: unknown) => void {
  const write = compileFieldWriter(f, type);
  const implicit = !hasExplicitPresence(f) && !f.repeated && !f.map;
  const name = f.name;
  return (e, v) => {
    if (v === null || v === undefined) return;
    const out = write(v);
    if (out === undefined || (implicit && isDefault(out))) return;
    e[name] = out;
  };
}

interface WritePlan {
  readonly from: number;
  /** Sets the field(s) from a non-null value. */
  readonly put: (out: Record<string, unknown>, value: unknown) => void;
}

function fieldPutter(f: protobuf.Field, type: SqlType): WritePlan['put'] {
  const write = compileFieldWriter(f, type);
  const implicit = !hasExplicitPresence(f) && !f.repeated && !f.map;
  const name = f.name;
  return (out, v) => {
    const value = write(v);
    if (value === undefined || (implicit && isDefault(value))) return;
    out[name] = value;
  };
}

/** Connect's union STRUCT → its first non-null field's oneof member (fromConnectData). */
function unionPutter(members: readonly protobuf.Field[], type: SqlType): WritePlan['put'] {
  if (type.base !== 'STRUCT') throw new ProtobufWriteError(`cannot write ${type.base} as a protobuf oneof`);
  const byName = new Map(members.map((f) => [f.name, f]));
  const puts = type.fields.flatMap((tf) => {
    const f = byName.get(tf.name) ?? members.find((m) => m.name.toUpperCase() === tf.name);
    if (!f) return [];
    const write = compileFieldWriter(f, tf.type);
    return [{ from: tf.name, name: f.name, write }];
  });
  return (out, v) => {
    const obj = v as Record<string, unknown>;
    for (const p of puts) {
      const x = obj[p.from];
      if (x === null || x === undefined) continue;
      const value = p.write(x);
      // a oneof member is always written when set, even at its default
      if (value !== undefined) out[p.name] = value;
      return;
    }
  };
}

function writePlans(t: protobuf.Type, sources: readonly Target[]): WritePlan[] {
  const index = targetIndex(sources);
  const plans: WritePlan[] = [];
  for (const cf of connectFields(t)) {
    const from = index(cf.name);
    if (from === undefined) continue;
    plans.push({
      from,
      put:
        cf.kind === 'field'
          ? fieldPutter(cf.field, sources[from].type)
          : unionPutter(cf.members, sources[from].type),
    });
  }
  return plans;
}

function structWriter(t: protobuf.Type, fields: readonly Target[]): Convert {
  const plans = writePlans(t, fields);
  const names = fields.map((f) => f.name);
  return (v) => {
    const obj = v as Record<string, unknown>;
    const out: Record<string, unknown> = {};
    for (const p of plans) {
      const x = obj[names[p.from]];
      if (x !== null && x !== undefined) p.put(out, x);
    }
    return out;
  };
}

/** A row → the plain object protobufjs encodes as the root message. */
export function compileRowWriter(
  t: protobuf.Type,
  columns: readonly Target[],
): (row: readonly unknown[]) => Record<string, unknown> {
  const plans = writePlans(t, columns);
  return (row) => {
    const out: Record<string, unknown> = {};
    for (const p of plans) {
      const x = row[p.from];
      if (x !== null && x !== undefined) p.put(out, x);
    }
    return out;
  };
}

/** An unwrapped single value → the root message object (wrapper or STRUCT message). */
export function compileUnwrappedWriter(t: protobuf.Type, type: SqlType): Convert {
  return messageValueWriter(t, type);
}

import protobuf from 'protobufjs';
import type { SqlType } from '../types/sql-type.js';
import { Decimal } from '../values/decimal.js';
import { MS_PER_DAY } from '../values/temporal.js';
import { bytesToUnscaled, rescaleExact } from './decimal-codec.js';
import { javaDoubleToString } from './java-text.js';
import {
  type Convert,
  connectFields,
  hasExplicitPresence,
  isMapEntryField,
  isWrapperType,
  longToNumber,
  mismatch,
  nameOf,
  scalarKind,
  type ScalarKind,
  type Target,
  targetIndex,
} from './protobuf-fields.js';

/** Decoded protobuf messages → runtime values; the rules are described in protobuf-fields.ts. */

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

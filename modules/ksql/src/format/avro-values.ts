import type { SqlType } from '../types/sql-type.js';
import { Decimal } from '../values/decimal.js';
import {
  type AvroNames,
  fullNameOf,
  isMapEntry,
  namespaceOf,
  optionalBranch,
  resolveAvro,
  unionMemberFieldName,
  avscBranchName,
} from './avro-names.js';
import { avroFieldName } from './avro-schema.js';
import { bytesToUnscaled, decimalToBytes, rescaleExact } from './decimal-codec.js';
import { javaDoubleToString } from './java-text.js';

/**
 * Runtime values ↔ the JavaScript values avsc encodes and decodes (unions unwrapped: a value or
 * null). Both directions are compiled once per schema.
 */

export type Convert = (value: unknown) => unknown;

/** Runtime value → avsc value for the schema avro-schema.ts derives from `type`. */
export function compileAvroWriter(type: SqlType): Convert {
  const write = nonNullWriter(type);
  return (v) => (v === null || v === undefined ? null : write(v));
}

function nonNullWriter(type: SqlType): Convert {
  switch (type.base) {
    case 'DECIMAL': {
      const scale = type.scale;
      return (v) => {
        const d = v as Decimal;
        const atScale = d.scale === scale ? d : (rescaleExact(d, scale) ?? d);
        return decimalToBytes(atScale.unscaled);
      };
    }
    case 'ARRAY': {
      const element = compileAvroWriter(type.element);
      return (v) => (v as unknown[]).map(element);
    }
    case 'MAP': {
      const value = compileAvroWriter(type.value);
      return (v) => {
        const out: { key: unknown; value: unknown }[] = [];
        for (const [k, mv] of v as Map<unknown, unknown>) out.push({ key: k, value: value(mv) });
        return out;
      };
    }
    case 'STRUCT': {
      const fields = type.fields.map((f) => ({
        name: f.name,
        avro: avroFieldName(f.name),
        write: compileAvroWriter(f.type),
      }));
      return (v) => {
        const obj = v as Record<string, unknown>;
        const out: Record<string, unknown> = {};
        for (const f of fields) out[f.avro] = f.write(obj[f.name] ?? null);
        return out;
      };
    }
    default:
      return (v) => v;
  }
}

/** Connect's type names, as ksqlDB's ConnectDataTranslator prints them in mismatch errors. */
type ConnectType =
  | 'boolean'
  | 'int32'
  | 'int64'
  | 'float32'
  | 'float64'
  | 'string'
  | 'bytes'
  | 'array'
  | 'map'
  | 'struct';

function targetConnectType(type: SqlType): ConnectType {
  switch (type.base) {
    case 'BOOLEAN':
      return 'boolean';
    case 'INTEGER':
    case 'DATE':
    case 'TIME':
      return 'int32';
    case 'BIGINT':
    case 'TIMESTAMP':
      return 'int64';
    case 'DOUBLE':
      return 'float64';
    case 'STRING':
      return 'string';
    case 'BYTES':
    case 'DECIMAL':
      return 'bytes';
    case 'ARRAY':
      return 'array';
    case 'MAP':
      return 'map';
    case 'STRUCT':
      return 'struct';
  }
}

interface WriterInfo {
  readonly connect: ConnectType;
  readonly schema: Record<string, unknown>;
  /** Namespace inside this type (for names it references). */
  readonly ns: string | undefined;
}

/** What a writer's Avro type is in Connect's terms (after AvroData's conversion). */
function writerInfo(schema: unknown, names: AvroNames, ns: string | undefined): WriterInfo | undefined {
  let s = resolveAvro(schema, names, ns);
  if (Array.isArray(s)) {
    const branch = optionalBranch(s);
    if (branch === undefined) return undefined;
    s = resolveAvro(branch, names, ns);
  }
  const obj: Record<string, unknown> = typeof s === 'string' ? { type: s } : (s as Record<string, unknown>);
  if (typeof obj.type === 'object' && obj.type !== null) return writerInfo(obj.type, names, ns);
  switch (obj.type) {
    case 'boolean':
      return { connect: 'boolean', schema: obj, ns };
    case 'int':
      return { connect: 'int32', schema: obj, ns };
    case 'long':
      return { connect: 'int64', schema: obj, ns };
    case 'float':
      return { connect: 'float32', schema: obj, ns };
    case 'double':
      return { connect: 'float64', schema: obj, ns };
    case 'string':
    case 'enum':
      return { connect: 'string', schema: obj, ns };
    case 'bytes':
    case 'fixed':
      return { connect: 'bytes', schema: obj, ns };
    case 'array':
      return { connect: isMapEntry(obj.items, names, ns) ? 'map' : 'array', schema: obj, ns };
    case 'map':
      return { connect: 'map', schema: obj, ns };
    case 'record':
    case 'error':
      return { connect: 'struct', schema: obj, ns: namespaceOf(fullNameOf(obj, ns)) };
    default:
      return undefined;
  }
}

const ACCEPTS: Readonly<Record<ConnectType, readonly ConnectType[]>> = {
  boolean: ['boolean'],
  int32: ['int32'],
  int64: ['int64', 'int32'],
  float64: ['float32', 'float64'],
  float32: ['float32'],
  string: ['int32', 'int64', 'float32', 'float64', 'boolean', 'string'],
  bytes: ['bytes'],
  array: ['array'],
  map: ['map'],
  struct: ['struct'],
};

export class AvroReadError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'AvroReadError';
  }
}

/**
 * Compiles the conversion of values decoded with a writer's schema into runtime values of `type`,
 * with ksqlDB's rules (ConnectDataTranslator): INT widens to BIGINT, FLOAT to DOUBLE, numbers and
 * booleans read as STRING, record fields matched by name exactly or upper-cased, target fields the
 * writer lacks are null. A writer type the column cannot take fails every record, naming the path.
 */
export function compileAvroReader(
  writer: unknown,
  names: AvroNames,
  ns: string | undefined,
  type: SqlType,
  path = '',
): Convert {
  const target = targetConnectType(type);
  const resolved = resolveAvro(writer, names, ns);
  if (Array.isArray(resolved) && optionalBranch(resolved) === undefined) {
    return unionReader(resolved, names, ns, type, path);
  }
  const info = writerInfo(writer, names, ns);
  if (!info || !ACCEPTS[target].includes(info.connect)) {
    const message = `Cannot deserialize type ${info?.connect ?? 'union'} as type ${target} for path: ${path}`;
    return () => {
      throw new AvroReadError(message);
    };
  }
  const read = nonNullReader(info, names, type, path);
  return (v) => (v === null || v === undefined ? null : read(v));
}

function nonNullReader(info: WriterInfo, names: AvroNames, type: SqlType, path: string): Convert {
  const schema = info.schema;
  switch (type.base) {
    case 'STRING':
      switch (info.connect) {
        case 'float64':
          return (v) => javaDoubleToString(v as number);
        case 'float32':
          return (v) => javaDoubleToString(Math.fround(v as number));
        case 'string':
          return (v) => v;
        default:
          return (v) => String(v);
      }
    case 'DECIMAL': {
      if (schema.logicalType !== 'decimal') {
        return () => {
          throw new AvroReadError(`Cannot deserialize type bytes as type DECIMAL for path: ${path}`);
        };
      }
      const writerScale = Number(schema.scale ?? 0);
      const scale = type.scale;
      return (v) => {
        const d = new Decimal(bytesToUnscaled(v as Buffer), writerScale);
        return rescaleExact(d, scale) ?? d;
      };
    }
    case 'BYTES':
      return (v) => Buffer.from(v as Buffer);
    case 'ARRAY': {
      const element = compileAvroReader(schema.items, names, info.ns, type.element, `${path}->ARRAY`);
      return (v) => (v as unknown[]).map(element);
    }
    case 'MAP': {
      if (schema.type === 'map') {
        const value = compileAvroReader(schema.values, names, info.ns, type.value, `${path}->MAP_VAL`);
        return (v) => {
          const obj = v as Record<string, unknown>;
          const out = new Map<unknown, unknown>();
          for (const k of Object.keys(obj)) out.set(k, value(obj[k]));
          return out;
        };
      }
      const entry = resolveAvro(schema.items, names, info.ns) as Record<string, unknown>;
      const entryNs = namespaceOf(fullNameOf(entry, info.ns));
      const [k, val] = entry.fields as { type: unknown }[];
      const key = compileAvroReader(k.type, names, entryNs, type.key, `${path}->MAP_KEY`);
      const value = compileAvroReader(val.type, names, entryNs, type.value, `${path}->MAP_VAL`);
      return (v) => {
        const out = new Map<unknown, unknown>();
        for (const e of v as { key: unknown; value: unknown }[]) out.set(key(e.key), value(e.value));
        return out;
      };
    }
    case 'STRUCT': {
      const targets = new Map(type.fields.map((f) => [f.name, f]));
      const reads: { from: string; to: string; read: Convert }[] = [];
      for (const wf of (schema.fields ?? []) as { name: string; type: unknown }[]) {
        const tf = targets.get(wf.name) ?? targets.get(wf.name.toUpperCase());
        if (!tf) continue;
        reads.push({
          from: wf.name,
          to: tf.name,
          read: compileAvroReader(wf.type, names, info.ns, tf.type, `${path}->${tf.name}`),
        });
      }
      const fieldNames = type.fields.map((f) => f.name);
      return (v) => {
        const obj = v as Record<string, unknown>;
        const out: Record<string, unknown> = {};
        for (const n of fieldNames) out[n] = null;
        for (const r of reads) out[r.to] = r.read(obj[r.from]);
        return out;
      };
    }
    case 'INTEGER':
    case 'BIGINT':
    case 'DOUBLE':
    case 'BOOLEAN':
    case 'DATE':
    case 'TIME':
    case 'TIMESTAMP':
      return (v) => v;
  }
}

/**
 * Runtime value → avsc value for a given (registered, *_SCHEMA_ID) writer schema rather than the
 * derived one, as ksqlDB's AvroSRSchemaDataTranslator: record fields matched to struct fields
 * exactly or upper-cased; a null (or absent) value takes the field's default when it has one;
 * maps written as the schema has them (Avro map or entry array); decimals at the schema's scale.
 */
export function compileAvroWriterTo(
  schema: unknown,
  names: AvroNames,
  ns: string | undefined,
  type: SqlType,
): Convert {
  let s = resolveAvro(schema, names, ns);
  if (Array.isArray(s)) {
    const branch = optionalBranch(s);
    if (branch === undefined) return (v) => v;
    s = resolveAvro(branch, names, ns);
  }
  const obj: Record<string, unknown> = typeof s === 'string' ? { type: s } : (s as Record<string, unknown>);
  if (typeof obj.type === 'object' && obj.type !== null)
    return compileAvroWriterTo(obj.type, names, ns, type);
  const write = physicalWriter(obj, names, ns, type);
  return (v) => (v === null || v === undefined ? null : write(v));
}

function physicalWriter(
  s: Record<string, unknown>,
  names: AvroNames,
  ns: string | undefined,
  type: SqlType,
): Convert {
  switch (type.base) {
    case 'DECIMAL': {
      const scale = Number(s.scale ?? type.scale);
      return (v) => {
        const d = v as Decimal;
        return decimalToBytes((rescaleExact(d, scale) ?? d).unscaled);
      };
    }
    case 'ARRAY': {
      const element = compileAvroWriterTo(s.items, names, ns, type.element);
      return (v) => (v as unknown[]).map(element);
    }
    case 'MAP': {
      if (s.type === 'map') {
        const value = compileAvroWriterTo(s.values, names, ns, type.value);
        return (v) => {
          const out: Record<string, unknown> = {};
          for (const [k, mv] of v as Map<unknown, unknown>) out[String(k)] = value(mv);
          return out;
        };
      }
      if (s.type === 'array' && isMapEntry(s.items, names, ns)) {
        const entry = resolveAvro(s.items, names, ns) as Record<string, unknown>;
        const entryNs = namespaceOf(fullNameOf(entry, ns));
        const [, val] = entry.fields as { type: unknown }[];
        const value = compileAvroWriterTo(val.type, names, entryNs, type.value);
        return (v) => {
          const out: { key: unknown; value: unknown }[] = [];
          for (const [k, mv] of v as Map<unknown, unknown>) out.push({ key: k, value: value(mv) });
          return out;
        };
      }
      return compileAvroWriter(type);
    }
    case 'STRUCT': {
      if (s.type !== 'record') return compileAvroWriter(type);
      const fields = structFieldWriters(s, names, ns, type.fields);
      return (v) => {
        const input = v as Record<string, unknown>;
        const out: Record<string, unknown> = {};
        for (const f of fields) {
          const value = f.from === undefined ? null : f.write(input[f.from] ?? null);
          out[f.name] = value === null && f.hasDefault ? f.default : value;
        }
        return out;
      };
    }
    default:
      return (v) => v;
  }
}

/** How each field of a writer record is filled from a struct's (or a row's) fields. */
export function structFieldWriters(
  record: Record<string, unknown>,
  names: AvroNames,
  ns: string | undefined,
  fields: readonly { readonly name: string; readonly type: SqlType }[],
): { name: string; from: string | undefined; write: Convert; hasDefault: boolean; default: unknown }[] {
  const innerNs = namespaceOf(fullNameOf(record, ns));
  const byName = new Map(fields.map((f) => [avroFieldName(f.name), f]));
  return ((record.fields ?? []) as { name: string; type: unknown; default?: unknown }[]).map((wf) => {
    const field = byName.get(wf.name) ?? byName.get(wf.name.toUpperCase());
    return {
      name: wf.name,
      from: field?.name,
      write: field ? compileAvroWriterTo(wf.type, names, innerNs, field.type) : () => null,
      hasDefault: Object.hasOwn(wf, 'default') && wf.default !== null,
      default: wf.default,
    };
  });
}

/** The JavaScript shape avsc decodes a member to, for telling an unwrapped union's branch. */
function decodedKind(member: unknown, names: AvroNames, ns: string | undefined): string {
  const s = resolveAvro(member, names, ns);
  const obj: Record<string, unknown> = typeof s === 'string' ? { type: s } : (s as Record<string, unknown>);
  if (typeof obj.type === 'object' && obj.type !== null) return decodedKind(obj.type, names, ns);
  switch (obj.type) {
    case 'int':
    case 'long':
    case 'float':
    case 'double':
      return 'number';
    case 'string':
    case 'enum':
      return 'string';
    case 'bytes':
    case 'fixed':
      return 'buffer';
    case 'array':
      return 'array';
    default:
      return typeof obj.type === 'string' && obj.type !== 'null'
        ? obj.type === 'boolean'
          ? 'boolean'
          : 'object'
        : 'null';
  }
}

function kindOf(v: unknown): string {
  if (typeof v === 'number') return 'number';
  if (typeof v === 'string') return 'string';
  if (typeof v === 'boolean') return 'boolean';
  if (Buffer.isBuffer(v)) return 'buffer';
  if (Array.isArray(v)) return 'array';
  return 'object';
}

/**
 * A union other than `[null, T]`, read as ksqlDB reads Connect's unions: a STRUCT with a field per
 * member (named as unionMemberFieldName), only the written member's field set. avsc hands such a
 * value over unwrapped when its members decode to distinct shapes, else as `{ <member>: value }`.
 */
function unionReader(
  members: unknown[],
  names: AvroNames,
  ns: string | undefined,
  type: SqlType,
  path: string,
): Convert {
  if (type.base !== 'STRUCT') {
    const message = `Cannot deserialize type struct as type ${targetConnectType(type)} for path: ${path}`;
    return () => {
      throw new AvroReadError(message);
    };
  }
  const targets = new Map(type.fields.map((f) => [f.name, f]));
  const branches = members
    .filter((m) => m !== 'null')
    .map((m) => {
      const fieldName = unionMemberFieldName(m, names, ns);
      const field = targets.get(fieldName) ?? targets.get(fieldName.toUpperCase());
      return {
        avscName: avscBranchName(m, names, ns),
        kind: decodedKind(m, names, ns),
        to: field?.name,
        read: field ? compileAvroReader(m, names, ns, field.type, `${path}->${field.name}`) : () => null,
      };
    });
  const byAvscName = new Map(branches.map((b) => [b.avscName, b]));
  const kinds = branches.map((b) => b.kind);
  const ambiguous = new Set(kinds).size !== kinds.length;
  const fieldNames = type.fields.map((f) => f.name);
  return (v) => {
    if (v === null || v === undefined) return null;
    let branch: (typeof branches)[number] | undefined;
    let inner: unknown = v;
    const kind = kindOf(v);
    if (ambiguous && kind === 'object') {
      // avsc wraps a union whose members share a shape (two records, a string and an enum).
      const keys = Object.keys(v as object);
      branch = keys.length === 1 ? byAvscName.get(keys[0]) : undefined;
      if (branch) inner = (v as Record<string, unknown>)[keys[0]];
    }
    // Otherwise the shape tells the member. Numbers are the exception avsc leaves unwrapped (its
    // long here is a custom type): int and long members both come as numbers, read as the first.
    branch ??= branches.find((b) => b.kind === kind);
    const out: Record<string, unknown> = {};
    for (const n of fieldNames) out[n] = null;
    if (branch?.to !== undefined) out[branch.to] = branch.read(inner);
    return out;
  };
}

import type { SqlType } from '../types/sql-type.js';
import { Decimal } from '../values/decimal.js';
import {
  type AvroNames,
  avroFieldName,
  fullNameOf,
  isMapEntry,
  optionalBranch,
  resolveAvro,
} from './avro-schema.js';
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
      return { connect: 'struct', schema: obj, ns: namespaceOfFull(fullNameOf(obj, ns)) };
    default:
      return undefined;
  }
}

function namespaceOfFull(full: string): string | undefined {
  const i = full.lastIndexOf('.');
  return i < 0 ? undefined : full.slice(0, i);
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
  const info = writerInfo(writer, names, ns);
  const target = targetConnectType(type);
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
      const entryNs = namespaceOfFull(fullNameOf(entry, info.ns));
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

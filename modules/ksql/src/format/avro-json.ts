import avro from 'avsc';
import { Decimal } from '../values/decimal.js';
import { avscOptions } from './avro-long.js';
import {
  type AvroNames,
  avscBranchName,
  collectNames,
  fullNameOf,
  isMapEntry,
  resolveAvro,
} from './avro-names.js';
import { bytesToUnscaled, decimalToBytes, rescaleExact } from './decimal-codec.js';
import { decodeBase64Strict } from './java-text.js';

/**
 * Avro binary ↔ plain JSON through any Avro schema: how test data (the QTT files' records, with
 * the writer schemas the tests register) becomes the bytes a producer would have written, and how
 * a topic's Avro records read back as JSON to compare with expected ones. JSON conventions follow
 * the QTT files: DECIMAL as a number (or numeric string), bytes as base64, Connect's map entry
 * arrays as objects, unions unwrapped.
 */

/** Avro binary (no framing) of `json` written with `schemaText`. */
export function encodeAvroJson(schemaText: string, json: unknown): Buffer {
  const schema = JSON.parse(schemaText) as unknown;
  const names = collectNames(schema);
  const type = avro.Type.forSchema(schema as avro.Schema, avscOptions());
  return type.toBuffer(toAvro(schema, names, undefined, json, '$'));
}

/** Plain JSON of an Avro binary record (no framing) written with `schemaText`. */
export function decodeAvroJson(schemaText: string, bytes: Buffer): unknown {
  const schema = JSON.parse(schemaText) as unknown;
  const names = collectNames(schema);
  const type = avro.Type.forSchema(schema as avro.Schema, avscOptions());
  return fromAvro(schema, names, undefined, type.fromBuffer(bytes));
}

function nsOf(full: string): string | undefined {
  const i = full.lastIndexOf('.');
  return i < 0 ? undefined : full.slice(0, i);
}

function asObject(schema: unknown): Record<string, unknown> {
  return typeof schema === 'string' ? { type: schema } : (schema as Record<string, unknown>);
}

function fail(path: string, expected: string, json: unknown): never {
  throw new Error(`cannot write ${JSON.stringify(json)} as Avro ${expected} at ${path}`);
}

function accepts(schema: unknown, names: AvroNames, ns: string | undefined, json: unknown): boolean {
  const s = asObject(resolveAvro(schema, names, ns));
  switch (s.type) {
    case 'null':
      return json === null || json === undefined;
    case 'boolean':
      return typeof json === 'boolean';
    case 'int':
    case 'long':
      return typeof json === 'number'
        ? Number.isInteger(json)
        : typeof json === 'string' && /^-?\d+$/.test(json);
    case 'float':
    case 'double':
      return typeof json === 'number';
    case 'string':
    case 'enum':
      return typeof json === 'string';
    case 'bytes':
    case 'fixed':
      return s.logicalType === 'decimal'
        ? typeof json === 'number' || typeof json === 'string'
        : typeof json === 'string';
    case 'array':
      return (
        Array.isArray(json) || (isMapEntry(s.items, names, ns) && typeof json === 'object' && json !== null)
      );
    case 'map':
    case 'record':
    case 'error':
      return typeof json === 'object' && json !== null && !Array.isArray(json);
    default:
      return typeof s.type === 'object' ? accepts(s.type, names, ns, json) : false;
  }
}

function toAvro(
  schema: unknown,
  names: AvroNames,
  ns: string | undefined,
  json: unknown,
  path: string,
): unknown {
  const resolved = resolveAvro(schema, names, ns);
  if (Array.isArray(resolved)) {
    if (json === null || json === undefined) return null;
    const branch = resolved.find((b) => b !== 'null' && accepts(b, names, ns, json));
    if (branch === undefined) return fail(path, JSON.stringify(resolved), json);
    const value = toAvro(branch, names, ns, json, path);
    return avscWraps(resolved, names, ns) ? { [avscBranchName(branch, names, ns)]: value } : value;
  }
  const s = asObject(resolved);
  if (typeof s.type === 'object' && s.type !== null) return toAvro(s.type, names, ns, json, path);
  if (json === null || json === undefined) {
    if (s.type === 'null') return null;
    return fail(path, String(s.type), json);
  }
  if (!accepts(s, names, ns, json)) return fail(path, String(s.type), json);
  switch (s.type) {
    case 'int':
    case 'long':
      return typeof json === 'string' ? Number(json) : json;
    case 'bytes':
    case 'fixed': {
      if (s.logicalType === 'decimal') {
        const d = Decimal.parse(String(json));
        const scale = Number(s.scale ?? 0);
        const atScale = rescaleExact(d, scale) ?? fail(path, `decimal with scale ${scale}`, json);
        return decimalToBytes(atScale.unscaled);
      }
      return decodeBase64Strict(String(json)) ?? fail(path, 'base64 bytes', json);
    }
    case 'array': {
      if (isMapEntry(s.items, names, ns) && !Array.isArray(json)) {
        const entry = resolveAvro(s.items, names, ns) as Record<string, unknown>;
        const entryNs = nsOf(fullNameOf(entry, ns));
        const [k, v] = entry.fields as { type: unknown }[];
        return Object.entries(json as Record<string, unknown>).map(([key, value]) => ({
          key: toAvro(k.type, names, entryNs, key, `${path}.${key}.key`),
          value: toAvro(v.type, names, entryNs, value, `${path}.${key}.value`),
        }));
      }
      if (!Array.isArray(json)) return fail(path, 'array', json);
      return json.map((e, i) => toAvro(s.items, names, ns, e, `${path}[${i}]`));
    }
    case 'map': {
      const out: Record<string, unknown> = {};
      for (const [k, v] of Object.entries(json as Record<string, unknown>))
        out[k] = toAvro(s.values, names, ns, v, `${path}.${k}`);
      return out;
    }
    case 'record':
    case 'error': {
      const obj = json as Record<string, unknown>;
      const upper = new Map(Object.keys(obj).map((k) => [k.toUpperCase(), k]));
      const innerNs = nsOf(fullNameOf(s, ns));
      const out: Record<string, unknown> = {};
      for (const f of (s.fields ?? []) as { name: string; type: unknown; default?: unknown }[]) {
        const key = Object.hasOwn(obj, f.name) ? f.name : upper.get(f.name.toUpperCase());
        const value = key === undefined ? (f.default ?? null) : obj[key];
        out[f.name] = toAvro(f.type, names, innerNs, value, `${path}.${f.name}`);
      }
      return out;
    }
    default:
      return json;
  }
}

function fromAvro(schema: unknown, names: AvroNames, ns: string | undefined, value: unknown): unknown {
  if (value === null || value === undefined) return null;
  const resolved = resolveAvro(schema, names, ns);
  if (Array.isArray(resolved)) {
    if (avscWraps(resolved, names, ns)) {
      const [key] = Object.keys(value as object);
      const branch = resolved.find((b) => b !== 'null' && avscBranchName(b, names, ns) === key);
      return branch === undefined
        ? value
        : fromAvro(branch, names, ns, (value as Record<string, unknown>)[key]);
    }
    const branch = resolved.find((b) => b !== 'null' && matchesDecoded(b, names, ns, value));
    return branch === undefined ? value : fromAvro(branch, names, ns, value);
  }
  const s = asObject(resolved);
  if (typeof s.type === 'object' && s.type !== null) return fromAvro(s.type, names, ns, value);
  switch (s.type) {
    case 'bytes':
    case 'fixed':
      if (s.logicalType === 'decimal')
        return new Decimal(bytesToUnscaled(value as Buffer), Number(s.scale ?? 0)).toNumber();
      return (value as Buffer).toString('base64');
    case 'array': {
      if (isMapEntry(s.items, names, ns)) {
        const entry = resolveAvro(s.items, names, ns) as Record<string, unknown>;
        const entryNs = nsOf(fullNameOf(entry, ns));
        const [k, v] = entry.fields as { type: unknown }[];
        const out: Record<string, unknown> = {};
        for (const e of value as { key: unknown; value: unknown }[]) {
          out[String(fromAvro(k.type, names, entryNs, e.key))] = fromAvro(v.type, names, entryNs, e.value);
        }
        return out;
      }
      return (value as unknown[]).map((e) => fromAvro(s.items, names, ns, e));
    }
    case 'map': {
      const out: Record<string, unknown> = {};
      for (const [k, v] of Object.entries(value as Record<string, unknown>))
        out[k] = fromAvro(s.values, names, ns, v);
      return out;
    }
    case 'record':
    case 'error': {
      const innerNs = nsOf(fullNameOf(s, ns));
      const out: Record<string, unknown> = {};
      for (const f of (s.fields ?? []) as { name: string; type: unknown }[]) {
        out[f.name] = fromAvro(f.type, names, innerNs, (value as Record<string, unknown>)[f.name]);
      }
      return out;
    }
    default:
      return value;
  }
}

/**
 * Whether avsc (wrapUnions 'auto') wraps this union's values as `{ <member>: value }`: when two
 * members share a shape bucket. Its long is a custom (logical) type here, which avsc leaves out.
 */
function avscWraps(members: unknown[], names: AvroNames, ns: string | undefined): boolean {
  const buckets = new Set<string>();
  for (const m of members) {
    const s = asObject(resolveAvro(m, names, ns));
    const t = typeof s.type === 'object' && s.type !== null ? asObject(s.type).type : s.type;
    if (t === 'long') continue;
    const bucket =
      t === 'int' || t === 'float' || t === 'double'
        ? 'number'
        : t === 'bytes' || t === 'fixed'
          ? 'buffer'
          : t === 'enum'
            ? 'string'
            : t === 'map' || t === 'record' || t === 'error'
              ? 'object'
              : String(t);
    if (buckets.has(bucket)) return true;
    buckets.add(bucket);
  }
  return false;
}

/** Which branch of an unwrapped union a decoded value came from (by its JavaScript shape). */
function matchesDecoded(schema: unknown, names: AvroNames, ns: string | undefined, value: unknown): boolean {
  const s = asObject(resolveAvro(schema, names, ns));
  switch (s.type) {
    case 'bytes':
    case 'fixed':
      return Buffer.isBuffer(value);
    case 'array':
      return Array.isArray(value);
    case 'record':
    case 'error':
    case 'map':
      return typeof value === 'object' && !Array.isArray(value) && !Buffer.isBuffer(value);
    default:
      return accepts(s, names, ns, value);
  }
}

import protobuf from 'protobufjs';
import type { SqlType } from '../types/sql-type.js';

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

export function nameOf(type: protobuf.Type): string {
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
export type ScalarKind =
  | 'int32'
  | 'int64'
  | 'uint64'
  | 'float32'
  | 'float64'
  | 'boolean'
  | 'string'
  | 'bytes';

export function scalarKind(protoType: string): ScalarKind | undefined {
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
export function longToNumber(v: unknown): number {
  if (typeof v === 'number') return v;
  if (typeof v === 'string') return Number(v);
  const l = v as { toSigned?: () => { toNumber(): number }; toNumber(): number; unsigned?: boolean };
  return l.unsigned && l.toSigned ? l.toSigned().toNumber() : l.toNumber();
}

/** Whether a scalar equals its proto3 default (then Java leaves it out). */
export function isDefault(v: unknown): boolean {
  if (typeof v === 'number') return Object.is(v, 0);
  if (typeof v === 'string') return v === '';
  if (typeof v === 'boolean') return !v;
  if (Buffer.isBuffer(v) || v instanceof Uint8Array) return v.length === 0;
  return false;
}

export function mismatch(from: string, type: SqlType, path: string): Convert {
  const message = `Cannot deserialize type ${from} as type ${type.base} for path: ${path}`;
  return () => {
    throw new ProtobufReadError(message);
  };
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

export type Target = { readonly name: string; readonly type: SqlType };

/** Matches a proto (or union) name to a target: exactly, then upper-cased. */
export function targetIndex(targets: readonly Target[]): (name: string) => number | undefined {
  const index = new Map(targets.map((f, i) => [f.name, i]));
  return (name) => index.get(name) ?? index.get(name.toUpperCase());
}

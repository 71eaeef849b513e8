import type { BodyWriter } from '../protocol/writer.js';

/** Native CQL types with their [option] ids from spec section 4.2.5.2. */
export const NATIVE_TYPE_IDS = {
  ascii: 0x0001,
  bigint: 0x0002,
  blob: 0x0003,
  boolean: 0x0004,
  decimal: 0x0006,
  double: 0x0007,
  float: 0x0008,
  int: 0x0009,
  timestamp: 0x000b,
  uuid: 0x000c,
  text: 0x000d,
  varint: 0x000e,
  timeuuid: 0x000f,
  inet: 0x0010,
  date: 0x0011,
  time: 0x0012,
  smallint: 0x0013,
  tinyint: 0x0014,
} as const;

export type NativeTypeName = keyof typeof NATIVE_TYPE_IDS;

export type CqlType =
  | { kind: 'native'; name: NativeTypeName }
  | { kind: 'list' | 'set'; element: CqlType; frozen: boolean }
  | { kind: 'map'; key: CqlType; value: CqlType; frozen: boolean };

const nativeCache = new Map<string, CqlType>();

export function nativeType(name: NativeTypeName): CqlType {
  let t = nativeCache.get(name);
  if (!t) {
    t = { kind: 'native', name };
    nativeCache.set(name, t);
  }
  return t;
}

/** Maps a type name as written in CQL (including aliases) to a native type, or undefined. */
export function nativeTypeByName(name: string): CqlType | undefined {
  const lower = name.toLowerCase();
  if (lower === 'varchar') return nativeType('text');
  if (lower in NATIVE_TYPE_IDS) return nativeType(lower as NativeTypeName);
  return undefined;
}

/** The type as Cassandra prints it in system_schema.columns.type. */
export function typeToCql(t: CqlType): string {
  switch (t.kind) {
    case 'native':
      return t.name;
    case 'list':
    case 'set': {
      const inner = `${t.kind}<${typeToCql(t.element)}>`;
      return t.frozen ? `frozen<${inner}>` : inner;
    }
    case 'map': {
      const inner = `map<${typeToCql(t.key)}, ${typeToCql(t.value)}>`;
      return t.frozen ? `frozen<${inner}>` : inner;
    }
  }
}

/** Writes the [option] describing a type in result metadata. */
export function writeTypeOption(w: BodyWriter, t: CqlType): void {
  switch (t.kind) {
    case 'native':
      w.short(NATIVE_TYPE_IDS[t.name]);
      return;
    case 'list':
      w.short(0x0020);
      writeTypeOption(w, t.element);
      return;
    case 'set':
      w.short(0x0022);
      writeTypeOption(w, t.element);
      return;
    case 'map':
      w.short(0x0021);
      writeTypeOption(w, t.key);
      writeTypeOption(w, t.value);
      return;
  }
}

export function listOf(element: CqlType): CqlType {
  return { kind: 'list', element, frozen: false };
}
export function setOf(element: CqlType): CqlType {
  return { kind: 'set', element, frozen: false };
}
export function mapOf(key: CqlType, value: CqlType): CqlType {
  return { kind: 'map', key, value, frozen: false };
}

/** Fixed serialized sizes; an empty value (length 0) is also accepted for every type, as Cassandra does. */
/** Types a user table may declare (inet and collections exist only for the system tables). */
export const USER_TYPES: ReadonlySet<string> = new Set(
  Object.keys(NATIVE_TYPE_IDS).filter((n) => n !== 'inet'),
);

export const FIXED_SIZES: Partial<Record<NativeTypeName, number>> = {
  bigint: 8,
  boolean: 1,
  double: 8,
  float: 4,
  int: 4,
  timestamp: 8,
  uuid: 16,
  timeuuid: 16,
  date: 4,
  time: 8,
  smallint: 2,
  tinyint: 1,
};

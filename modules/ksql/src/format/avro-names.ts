/**
 * Named types of an Avro schema (records, enums, fixed) and how references, optional unions and
 * Connect's map entries are recognised — shared by inference, reading and test-data conversion.
 */

/** Named types met so far, for references by name. */
export type AvroNames = Map<string, Record<string, unknown>>;

/** Registers the named types of a schema (records, enums, fixed) under their full names. */
export function collectNames(schema: unknown, names: AvroNames = new Map(), ns?: string): AvroNames {
  if (Array.isArray(schema)) {
    for (const s of schema) collectNames(s, names, ns);
    return names;
  }
  if (typeof schema !== 'object' || schema === null) return names;
  const obj = schema as Record<string, unknown>;
  const type = obj.type;
  if (type === 'record' || type === 'error' || type === 'enum' || type === 'fixed') {
    const full = fullNameOf(obj, ns);
    names.set(full, obj);
    const innerNs = namespaceOf(full);
    if (type !== 'enum' && type !== 'fixed') {
      for (const f of (obj.fields ?? []) as Record<string, unknown>[]) collectNames(f.type, names, innerNs);
    }
    return names;
  }
  if (type === 'array') collectNames(obj.items, names, ns);
  else if (type === 'map') collectNames(obj.values, names, ns);
  else if (typeof type === 'object') collectNames(type, names, ns);
  return names;
}

export function fullNameOf(obj: Record<string, unknown>, ns: string | undefined): string {
  const name = String(obj.name);
  if (name.includes('.')) return name;
  const space = (obj.namespace as string | undefined) ?? ns;
  return space ? `${space}.${name}` : name;
}

const PRIMITIVES = new Set(['null', 'boolean', 'int', 'long', 'float', 'double', 'bytes', 'string']);

/** Resolves a type reference by name (`"Foo"` / `"ns.Foo"`) to its definition. */
export function resolveAvro(schema: unknown, names: AvroNames, ns: string | undefined): unknown {
  if (typeof schema === 'string' && !PRIMITIVES.has(schema)) {
    const found = names.get(schema) ?? (ns ? names.get(`${ns}.${schema}`) : undefined);
    if (!found) throw new Error(`Undefined Avro type name: ${schema}`);
    return found;
  }
  return schema;
}

/** The non-null branch of `["null", T]` / `[T, "null"]`; undefined for other unions. */
export function optionalBranch(union: unknown[]): unknown {
  const nonNull = union.filter(
    (b) => b !== 'null' && !(typeof b === 'object' && (b as { type?: unknown }).type === 'null'),
  );
  return nonNull.length === 1 ? nonNull[0] : undefined;
}

/** Whether an array's items are Connect's map entries (how non-string-keyed maps are written). */
export function isMapEntry(items: unknown, names: AvroNames, ns: string | undefined): boolean {
  const r = resolveAvro(items, names, ns);
  if (typeof r !== 'object' || r === null || Array.isArray(r)) return false;
  const rec = r as Record<string, unknown>;
  if (rec.type !== 'record') return false;
  const full = fullNameOf(rec, ns);
  const fields = (rec.fields ?? []) as { name: string }[];
  return (
    (rec['connect.internal.type'] === 'MapEntry' || full === 'io.confluent.connect.avro.MapEntry') &&
    fields.length === 2 &&
    fields[0].name === 'key' &&
    fields[1].name === 'value'
  );
}

/** The SQL type ksqlDB infers from an Avro type; throws UnsupportedAvroType for what it leaves out. */

export function namespaceOf(fullName: string): string | undefined {
  const i = fullName.lastIndexOf('.');
  return i < 0 ? undefined : fullName.slice(0, i);
}

/**
 * The Connect field name of a union member (AvroData.unionMemberFieldName): the simple name of a
 * record, enum or fixed, otherwise the Avro type name (`int`, `string`, `array`, …). ksqlDB reads a
 * union other than `[null, T]` as a STRUCT with one such field per member.
 */
export function unionMemberFieldName(member: unknown, names: AvroNames, ns: string | undefined): string {
  const s = resolveAvro(member, names, ns);
  if (typeof s === 'string') return s;
  const obj = s as Record<string, unknown>;
  if (typeof obj.type === 'object' && obj.type !== null) return unionMemberFieldName(obj.type, names, ns);
  if (obj.type === 'record' || obj.type === 'error' || obj.type === 'enum' || obj.type === 'fixed') {
    const full = fullNameOf(obj, ns);
    return full.slice(full.lastIndexOf('.') + 1);
  }
  return String(obj.type);
}

/** The name avsc uses for a member in a wrapped union value (`{ "int": 1 }`, `{ "ns.Rec": {…} }`). */
export function avscBranchName(member: unknown, names: AvroNames, ns: string | undefined): string {
  const s = resolveAvro(member, names, ns);
  if (typeof s === 'string') return s;
  const obj = s as Record<string, unknown>;
  if (typeof obj.type === 'object' && obj.type !== null) return avscBranchName(obj.type, names, ns);
  if (obj.type === 'record' || obj.type === 'error' || obj.type === 'enum' || obj.type === 'fixed')
    return fullNameOf(obj, ns);
  return String(obj.type);
}

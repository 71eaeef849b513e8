import protobuf from 'protobufjs';
import { KsqlError } from '../errors.js';
import type { RegisteredSchema, SchemaReference, SchemaRegistry } from './format.js';

/**
 * Parsing registered .proto texts into protobufjs types. Each schema gets its own Root holding the
 * well-known types ksqlDB's schemas import (google.protobuf wrappers and Timestamp from protobufjs'
 * bundled definitions; google.type.Date/TimeOfDay and confluent.type.Decimal declared here).
 *
 * protobufjs' parser rejects list values inside aggregate options, which Confluent's
 * `[(confluent.field_meta) = { params: [ … ] }]` uses for DECIMAL's precision and scale; those
 * options are rewritten to a string option (`(confluent_meta) = "precision=4;scale=2"`) first.
 */

const EXTRA_TYPES = `
syntax = "proto3";
package google.type;
message Date { int32 year = 1; int32 month = 2; int32 day = 3; }
message TimeOfDay { int32 hours = 1; int32 minutes = 2; int32 seconds = 3; int32 nanos = 4; }
`;
const DECIMAL_TYPE = `
syntax = "proto3";
package confluent.type;
message Decimal { bytes value = 1; uint32 precision = 2; int32 scale = 3; }
`;

/** Files a schema may import without them being registered (the well-known ones). */
const KNOWN_FILES = new Set([
  'google/protobuf/wrappers.proto',
  'google/protobuf/timestamp.proto',
  'google/protobuf/descriptor.proto',
  'google/type/date.proto',
  'google/type/timeofday.proto',
  'confluent/type/decimal.proto',
  'confluent/meta.proto',
]);

export const META_OPTION = '(confluent_meta)';

function newRoot(): protobuf.Root {
  const root = new protobuf.Root();
  for (const file of ['google/protobuf/wrappers.proto', 'google/protobuf/timestamp.proto']) {
    const json = protobuf.common.get(file);
    if (json?.nested) root.addJSON(json.nested);
  }
  protobuf.parse(EXTRA_TYPES, root);
  protobuf.parse(DECIMAL_TYPE, root);
  return root;
}

/**
 * Rewrites `(confluent.*_meta) = { … }` aggregate options into `(confluent_meta) = "k=v;…"` (keys
 * and values URI-encoded, so the string option stays plain).
 */
export function rewriteMetaOptions(text: string): string {
  const pattern = /\(\s*confluent\.(?:field|message|file|enum|enum_value)_meta\s*\)\s*=\s*\{/g;
  let out = '';
  let last = 0;
  for (let m = pattern.exec(text); m !== null; m = pattern.exec(text)) {
    let depth = 1;
    let i = m.index + m[0].length;
    for (; i < text.length && depth > 0; i++) {
      const ch = text[i];
      if (ch === '"' || ch === "'") {
        // skip a quoted string (with escapes)
        for (i++; i < text.length && text[i] !== ch; i++) if (text[i] === '\\') i++;
      } else if (ch === '{') depth++;
      else if (ch === '}') depth--;
    }
    const body = text.slice(m.index + m[0].length, i - 1);
    // params entries are {key, value} pairs in either order: pair the quoted tokens as they come
    const params: string[] = [];
    let key: string | undefined;
    let value: string | undefined;
    for (const token of body.matchAll(/\b(key|value)\s*:\s*"((?:[^"\\]|\\.)*)"/g)) {
      if (token[1] === 'key') key = token[2];
      else value = token[2];
      if (key !== undefined && value !== undefined) {
        params.push(`${encodeURIComponent(key)}=${encodeURIComponent(value)}`);
        key = value = undefined;
      }
    }
    out += `${text.slice(last, m.index)}${META_OPTION} = "${params.join(';')}"`;
    last = i;
    pattern.lastIndex = i;
  }
  return out + text.slice(last);
}

/** The confluent.field_meta params of a field (`precision`, `scale`, `connect.type`…). */
export function metaParams(field: protobuf.Field): ReadonlyMap<string, string> {
  const raw = field.options?.[META_OPTION];
  const out = new Map<string, string>();
  if (typeof raw !== 'string' || raw === '') return out;
  for (const pair of raw.split(';')) {
    const eq = pair.indexOf('=');
    if (eq > 0) out.set(decodeURIComponent(pair.slice(0, eq)), decodeURIComponent(pair.slice(eq + 1)));
  }
  return out;
}

export interface LoadedSchema {
  readonly root: protobuf.Root;
  /** Top-level messages in declaration order (message indexes count them). */
  readonly messages: readonly protobuf.Type[];
}

/**
 * Parses a schema's text, with the texts of the files it imports by name (its registered
 * references); throws a KsqlError naming what cannot be parsed or resolved.
 */
export function loadProto(text: string, imports: ReadonlyMap<string, string> = new Map()): LoadedSchema {
  const root = newRoot();
  const parse = (source: string, file: string): protobuf.IParserResult => {
    try {
      return protobuf.parse(rewriteMetaOptions(source), root, { keepCase: true, alternateCommentMode: true });
    } catch (e) {
      throw new KsqlError(`Invalid PROTOBUF schema${file ? ` ${file}` : ''}: ${(e as Error).message}`);
    }
  };
  const parsed = parse(text, '');
  // The file's own top-level messages, before imported files add theirs to a shared package.
  const ns = parsed.package ? root.lookup(parsed.package) : root;
  const messages =
    ns instanceof protobuf.Namespace
      ? ns.nestedArray.filter((t): t is protobuf.Type => t instanceof protobuf.Type)
      : [];
  const done = new Set<string>();
  const importAll = (result: protobuf.IParserResult) => {
    for (const file of [...(result.imports ?? []), ...(result.weakImports ?? [])]) {
      if (KNOWN_FILES.has(file) || done.has(file)) continue;
      const source = imports.get(file);
      if (source === undefined) {
        throw new KsqlError(`PROTOBUF schema imports a file that is not available: ${file}`);
      }
      done.add(file);
      importAll(parse(source, file));
    }
  };
  importAll(parsed);
  try {
    root.resolveAll();
  } catch (e) {
    throw new KsqlError(`Invalid PROTOBUF schema: ${(e as Error).message}`);
  }
  return { root, messages };
}

/**
 * The texts of the files a registered schema imports, by import name, fetched (with their own
 * references, transitively) from the registry.
 */
export async function fetchImports(
  registry: SchemaRegistry,
  schema: RegisteredSchema,
): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  const visit = async (refs: readonly SchemaReference[] | undefined): Promise<void> => {
    for (const ref of refs ?? []) {
      if (out.has(ref.name)) continue;
      const found = registry.version
        ? await registry.version(ref.subject, ref.version)
        : await registry.latest(ref.subject);
      if (!found) {
        throw new KsqlError(
          `PROTOBUF schema reference ${ref.name} (subject ${ref.subject}, version ${ref.version}) is not registered`,
        );
      }
      out.set(ref.name, found.schema.schema);
      await visit(found.schema.references);
    }
  };
  await visit(schema.references);
  return out;
}

/** A type's full name without protobufjs' leading dot. */
export function fullNameOf(type: protobuf.ReflectionObject): string {
  return type.fullName.startsWith('.') ? type.fullName.slice(1) : type.fullName;
}

/**
 * The message rows use: the one named (full name, or simple name when unambiguous), else the
 * first. Undefined when a name is given and not found.
 */
export function pickMessage(schema: LoadedSchema, fullName: string | undefined): protobuf.Type | undefined {
  if (!fullName) return schema.messages[0];
  const all = allMessages(schema.messages);
  return all.find((t) => fullNameOf(t) === fullName) ?? all.find((t) => t.name === fullName);
}

function allMessages(types: readonly protobuf.Type[]): protobuf.Type[] {
  const out: protobuf.Type[] = [];
  for (const t of types) {
    out.push(t);
    out.push(...allMessages(t.nestedArray.filter((n): n is protobuf.Type => n instanceof protobuf.Type)));
  }
  return out;
}

/** Confluent's message indexes of a message: its position among messages at each nesting level. */
export function messageIndexes(schema: LoadedSchema, type: protobuf.Type): number[] {
  const path: number[] = [];
  let t: protobuf.ReflectionObject = type;
  while (t.parent instanceof protobuf.Type) {
    const siblings: protobuf.ReflectionObject[] = t.parent.nestedArray.filter(
      (n) => n instanceof protobuf.Type,
    );
    path.unshift(siblings.indexOf(t));
    t = t.parent;
  }
  const top = schema.messages.indexOf(t as protobuf.Type);
  if (top < 0) throw new KsqlError(`PROTOBUF message ${fullNameOf(type)} is not in the schema`);
  path.unshift(top);
  return path;
}

/** The message at an index path; undefined when the schema has none there. */
export function messageAt(schema: LoadedSchema, indexes: readonly number[]): protobuf.Type | undefined {
  let t: protobuf.Type | undefined = schema.messages[indexes[0]];
  for (let i = 1; i < indexes.length && t; i++) {
    t = t.nestedArray.filter((n): n is protobuf.Type => n instanceof protobuf.Type)[indexes[i]];
  }
  return t;
}

/** A well-known type of the shared definitions (the root of an unwrapped NOSR column). */
export function wellKnownType(fullName: string): protobuf.Type {
  return newRoot().lookupType(fullName);
}

// ---------------------------------------------------------------------------------------------
// Confluent's message-index framing: zigzag varint count, then the indexes; [0] is one 0 byte.
// ---------------------------------------------------------------------------------------------

export function encodeMessageIndexes(indexes: readonly number[]): Buffer {
  if (indexes.length === 1 && indexes[0] === 0) return Buffer.from([0]);
  const bytes: number[] = [];
  const put = (n: number) => {
    let z = ((n << 1) ^ (n >> 31)) >>> 0;
    while (z > 0x7f) {
      bytes.push((z & 0x7f) | 0x80);
      z >>>= 7;
    }
    bytes.push(z);
  };
  put(indexes.length);
  for (const i of indexes) put(i);
  return Buffer.from(bytes);
}

/** Reads the indexes at `offset`; returns them and the offset of the message bytes. */
export function decodeMessageIndexes(data: Buffer, offset: number): { indexes: number[]; end: number } {
  let pos = offset;
  const get = (): number => {
    let result = 0;
    let shift = 0;
    for (;;) {
      if (pos >= data.length) throw new Error('invalid PROTOBUF payload: truncated message indexes');
      const b = data[pos++];
      result |= (b & 0x7f) << shift;
      if ((b & 0x80) === 0) break;
      shift += 7;
      if (shift > 28) throw new Error('invalid PROTOBUF payload: bad message index varint');
    }
    return (result >>> 1) ^ -(result & 1);
  };
  const count = get();
  if (count === 0) return { indexes: [0], end: pos };
  if (count < 0 || count > 100) throw new Error('invalid PROTOBUF payload: bad message index count');
  const indexes: number[] = [];
  for (let i = 0; i < count; i++) indexes.push(get());
  return { indexes, end: pos };
}

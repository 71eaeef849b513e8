import type { SourceDescription } from '../engine/engine-api.js';
import type { RegisteredSchema } from '../format/format.js';
import type { Column } from '../schema/logical-schema.js';
import { sqlTypeEquals } from '../types/sql-type.js';
import { isJsonObject, JsonNumber, type JsonValue, parseJson, stringifyJson } from './json-text.js';
import { formatColumns, parseSchemaText } from './schema-text.js';
import type { QttPostConditions, QttPostSource, QttPostTopic } from './test-model.js';

/** What the runner knows about one topic after a test (ksqlDB's PostTopicNode, actual side). */
export interface KnownTopic {
  readonly name: string;
  readonly partitions?: number;
  /** Format names; undefined for internal topics (the engine does not describe them). */
  readonly keyFormat?: string;
  readonly valueFormat?: string;
  readonly keyFeatures?: readonly string[];
  readonly valueFeatures?: readonly string[];
  readonly keySchema?: RegisteredSchema;
  readonly valueSchema?: RegisteredSchema;
  readonly keySchemaId?: number;
  readonly valueSchemaId?: number;
}

/**
 * Checks `post` (ksqlDB's PostConditions): every expected source matches some source in the
 * metastore on every property it names; no known topic matches the blacklist; every expected topic
 * matches a known one. Returns the first difference, or undefined.
 *
 * Differences from ksqlDB, because the engine does not report them: topic format *properties*
 * (e.g. AVRO's fullSchemaName) are not compared, and internal topics are checked by name only.
 */
export function checkPostConditions(
  post: QttPostConditions,
  sources: readonly SourceDescription[],
  topics: readonly KnownTopic[],
): string | undefined {
  for (const expected of post.sources) {
    const candidates = sources.filter((s) => s.name === expected.name);
    if (candidates.length === 0) {
      return `post: expected source ${expected.name} (${expected.type}) but the metastore has: ${
        sources.map((s) => `${s.type}:${s.name}`).join(', ') || 'nothing'
      }`;
    }
    const diffs = candidates.map((s) => sourceDifference(expected, s));
    if (!diffs.includes(undefined)) return `post: source ${expected.name}: ${diffs[0]}`;
  }
  if (post.blacklist !== undefined) {
    const re = new RegExp(`^(?:${post.blacklist})$`);
    const hit = topics.filter((t) => re.test(t.name)).map((t) => t.name);
    if (hit.length) return `post: blacklisted topics found: ${hit.join(', ')}`;
  }
  for (const expected of post.topics) {
    const actual = topics.find((t) => t.name === expected.name);
    if (!actual)
      return `post: expected topic ${expected.name} but the topics are: ${topics.map((t) => t.name).join(', ')}`;
    const diff = topicDifference(expected, actual);
    if (diff) return `post: topic ${expected.name}: ${diff}`;
  }
  return undefined;
}

function sourceDifference(e: QttPostSource, a: SourceDescription): string | undefined {
  if (e.type !== a.type) return `type expected ${e.type} but was ${a.type}`;
  if (e.schema !== undefined) {
    const expected = parseSchemaText(e.schema);
    const key = (cols: readonly Column[]) => cols.filter((c) => c.namespace === 'KEY');
    const value = (cols: readonly Column[]) => cols.filter((c) => c.namespace !== 'KEY');
    if (!columnsEqual(key(expected), key(a.columns)) || !columnsEqual(value(expected), value(a.columns))) {
      return `schema expected ${formatColumns(expected)} but was ${formatColumns(a.columns)}`;
    }
  }
  if (e.keyFormat) {
    if (e.keyFormat.format !== undefined && e.keyFormat.format.toUpperCase() !== a.keyFormat.toUpperCase()) {
      return `key format expected ${e.keyFormat.format} but was ${a.keyFormat}`;
    }
    if ((e.keyFormat.windowType ?? undefined) !== (a.windowType ?? undefined)) {
      return `window type expected ${e.keyFormat.windowType ?? 'none'} but was ${a.windowType ?? 'none'}`;
    }
    if ((e.keyFormat.windowSize ?? undefined) !== (a.windowSize ?? undefined)) {
      return `window size expected ${e.keyFormat.windowSize ?? 'none'} but was ${a.windowSize ?? 'none'}`;
    }
  }
  if (e.valueFormat !== undefined && e.valueFormat !== a.valueFormat) {
    return `value format expected ${e.valueFormat} but was ${a.valueFormat}`;
  }
  if (e.keyFeatures && !sameSet(e.keyFeatures, a.keyFeatures ?? [])) {
    return `key features expected [${e.keyFeatures}] but were [${a.keyFeatures ?? []}]`;
  }
  if (e.valueFeatures && !sameSet(e.valueFeatures, a.valueFeatures ?? [])) {
    return `value features expected [${e.valueFeatures}] but were [${a.valueFeatures ?? []}]`;
  }
  if (e.isSource !== undefined && e.isSource !== a.isSource)
    return `isSource expected ${e.isSource} but was ${a.isSource}`;
  return undefined;
}

function columnsEqual(a: readonly Column[], b: readonly Column[]): boolean {
  return (
    a.length === b.length &&
    a.every(
      (c, i) =>
        c.name === b[i].name &&
        sqlTypeEquals(c.type, b[i].type) &&
        (c.headerKey ?? undefined) === (b[i].headerKey ?? undefined),
    )
  );
}

function sameSet(a: readonly string[], b: readonly string[]): boolean {
  const x = new Set(a.map((s) => s.toUpperCase()));
  const y = new Set(b.map((s) => s.toUpperCase()));
  return x.size === y.size && [...x].every((s) => y.has(s));
}

function topicDifference(e: QttPostTopic, a: KnownTopic): string | undefined {
  if (e.partitions !== undefined && a.partitions !== undefined && e.partitions !== a.partitions) {
    return `partitions expected ${e.partitions} but was ${a.partitions}`;
  }
  if (a.keyFormat === undefined) return undefined; // internal topic: existence only
  if (e.keyFormat.format.toUpperCase() !== a.keyFormat.toUpperCase())
    return `key format expected ${e.keyFormat.format} but was ${a.keyFormat}`;
  if (e.valueFormat.format.toUpperCase() !== (a.valueFormat ?? '').toUpperCase()) {
    return `value format expected ${e.valueFormat.format} but was ${a.valueFormat}`;
  }
  if (!sameSet(e.keyFormat.features ?? [], a.keyFeatures ?? [])) {
    return `key features expected [${e.keyFormat.features ?? []}] but were [${a.keyFeatures ?? []}]`;
  }
  if (!sameSet(e.valueFormat.features ?? [], a.valueFeatures ?? [])) {
    return `value features expected [${e.valueFormat.features ?? []}] but were [${a.valueFeatures ?? []}]`;
  }
  if (e.keySchemaId !== a.keySchemaId)
    return `key schema id expected ${e.keySchemaId} but was ${a.keySchemaId}`;
  if (e.valueSchemaId !== a.valueSchemaId)
    return `value schema id expected ${e.valueSchemaId} but was ${a.valueSchemaId}`;
  for (const [part, exp, act] of [
    ['key', e.keySchema, a.keySchema],
    ['value', e.valueSchema, a.valueSchema],
  ] as const) {
    if (exp === undefined) continue;
    const actual = act === undefined ? undefined : schemaJson(act);
    if (actual === undefined || !jsonEquals(exp, actual)) {
      return `${part} schema expected ${typeof exp === 'string' ? exp : stringifyJson(exp)} but was ${
        actual === undefined ? 'none' : typeof actual === 'string' ? actual : stringifyJson(actual)
      }`;
    }
  }
  return undefined;
}

function schemaJson(s: RegisteredSchema): JsonValue {
  if (s.schemaType === 'PROTOBUF') return s.schema;
  try {
    return parseJson(s.schema);
  } catch {
    return s.schema;
  }
}

/** Jackson JsonNode equality: objects unordered, numbers by value. */
export function jsonEquals(a: JsonValue, b: JsonValue): boolean {
  if (a instanceof JsonNumber || b instanceof JsonNumber) {
    return a instanceof JsonNumber && b instanceof JsonNumber && a.toNumber() === b.toNumber();
  }
  if (Array.isArray(a) || Array.isArray(b)) {
    return (
      Array.isArray(a) && Array.isArray(b) && a.length === b.length && a.every((x, i) => jsonEquals(x, b[i]))
    );
  }
  if (isJsonObject(a) || isJsonObject(b)) {
    if (!isJsonObject(a) || !isJsonObject(b)) return false;
    const ka = Object.keys(a);
    return (
      ka.length === Object.keys(b).length && ka.every((k) => Object.hasOwn(b, k) && jsonEquals(a[k], b[k]))
    );
  }
  return a === b;
}

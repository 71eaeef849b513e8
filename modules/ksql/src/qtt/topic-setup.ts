import type { FormatInfo, FormatName, Formats, RegisteredSchema, SchemaRegistry } from '../format/format.js';
import { stringifyJson } from './json-text.js';
import { canRegisterWithId } from './qtt-backend.js';
import type { TopicFormats } from './spec-serdes.js';
import type { StubKafka } from './stub-kafka.js';
import type { QttTestCase } from './test-model.js';

/** Creates topics and registers the test's schemas; returns an unsupported feature, if any. */
export async function initializeTopics(
  test: QttTestCase,
  kafka: StubKafka,
  registry: SchemaRegistry,
): Promise<string | undefined> {
  for (const t of test.topics) {
    kafka.ensure(t.name, t.partitions, t.replicas);
    for (const [isKey, schema, format, id, refs] of [
      [true, t.keySchema, t.keyFormat, t.keySchemaId, t.keySchemaReferences ?? []],
      [false, t.valueSchema, t.valueFormat, t.valueSchemaId, t.valueSchemaReferences ?? []],
    ] as const) {
      if (schema === undefined) continue;
      const fmt = (format ?? 'AVRO').toUpperCase();
      const schemaType = fmt === 'PROTOBUF' ? 'PROTOBUF' : fmt === 'AVRO' ? 'AVRO' : 'JSON';
      // Only PROTOBUF resolves references (its imports); the other formats' serdes cannot.
      if (refs.length > 0 && schemaType !== 'PROTOBUF') return 'schema references in test topics';
      // Each reference is registered under its name and referenced at version 1, as ksqlDB's
      // runner does: before a schema with a fixed id, after one that takes the next free id.
      const registerReferences = async () => {
        for (const ref of refs) await registry.register(ref.name, { schemaType, schema: ref.schema });
      };
      const references = refs.map((r) => ({ name: r.name, subject: r.name, version: 1 }));
      // PROTOBUF schemas are given as text; AVRO and JSON ones as JSON (`"int"` is the schema "int")
      const text = schemaType === 'PROTOBUF' && typeof schema === 'string' ? schema : stringifyJson(schema);
      const registered: RegisteredSchema =
        references.length > 0 ? { schemaType, schema: text, references } : { schemaType, schema: text };
      const subject = `${t.name}-${isKey ? 'key' : 'value'}`;
      if (id !== undefined) {
        if (!canRegisterWithId(registry)) return 'schema ids in test topics';
        await registerReferences();
        await registry.registerWithId(subject, registered, id);
      } else {
        await registry.register(subject, registered);
        await registerReferences();
      }
    }
  }
  // CREATE STREAM/TABLE statements with columns: ksqlDB's runner creates their topics up front,
  // with 4 partitions unless PARTITIONS says otherwise (its Topic.DEFAULT_PARTITIONS); topics the
  // test declares keep their own count (1 by default).
  for (const s of test.statements) {
    const created = createdTopic(s);
    if (created)
      kafka.ensure(created.topic, created.partitions ?? CREATED_TOPIC_PARTITIONS, created.replicas ?? 1);
  }
  for (const r of [...test.inputs, ...test.outputs]) kafka.ensure(r.topic);
  return undefined;
}

const CREATED_TOPIC_PARTITIONS = 4;

const CREATE_WITH_COLUMNS =
  /^\s*CREATE\s+(?:OR\s+REPLACE\s+)?(?:SOURCE\s+)?(?:STREAM|TABLE)\s+(?:IF\s+NOT\s+EXISTS\s+)?(?:`[^`]+`|"[^"]+"|[\w.]+)\s*\(/i;

/** The topic a CREATE STREAM/TABLE (not AS SELECT) with columns names, with its PARTITIONS/REPLICAS. */
export function createdTopic(
  statement: string,
): { topic: string; partitions?: number; replicas?: number } | undefined {
  if (!CREATE_WITH_COLUMNS.test(statement) || /\bAS\s+SELECT\b/i.test(statement)) return undefined;
  const topic = /KAFKA_TOPIC\s*=\s*'((?:[^']|'')*)'/i.exec(statement)?.[1]?.replaceAll("''", "'");
  if (!topic) return undefined;
  const num = (p: string) => {
    const m = new RegExp(`\\b${p}\\s*=\\s*'?(\\d+)'?`, 'i').exec(statement);
    return m ? Number(m[1]) : undefined;
  };
  return { topic, partitions: num('PARTITIONS'), replicas: num('REPLICAS') };
}

/**
 * Schema-registry formats need a schema under the topic's subject before test data can be
 * written; when the test gave none, the one the formats derive from the source's columns is
 * registered (ksqlDB registers the schema of each CREATE statement before running it).
 */
export async function ensureSchemas(
  info: TopicFormats,
  registry: SchemaRegistry,
  formats: Formats,
): Promise<void> {
  const needs = (f: string) => f === 'AVRO' || f === 'JSON_SR' || f === 'PROTOBUF';
  for (const isKey of [true, false]) {
    const format = (isKey ? info.keyFormat : info.valueFormat).toUpperCase();
    const columns = isKey ? info.keyColumns : info.valueColumns;
    if (!needs(format) || columns.length === 0) continue;
    const subject = `${info.topic}-${isKey ? 'key' : 'value'}`;
    if (await registry.latest(subject)) continue;
    const fi: FormatInfo = { name: format as FormatName, properties: {} };
    const ctx = { topic: info.topic, registerSchema: true };
    if (isKey) await formats.keySerde(fi, columns, ctx);
    else await formats.valueSerde(fi, columns, ctx);
  }
}

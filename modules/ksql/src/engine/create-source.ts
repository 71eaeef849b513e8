import { KsqlError, UnsupportedFeatureError } from '../errors.js';
import type { FormatInfo } from '../format/format.js';
import { validateWrapSingleValue } from '../format/formats.js';
import type { StatementOf, TableElement } from '../parser/ast.js';
import type { WindowInfo, WindowKind } from '../plan/planned-stream.js';
import { checkKeyTypes } from '../plan/key-types.js';
import { RESERVED_COLUMN_NAMES } from '../plan/source-schema.js';
import { type Column, LogicalSchema } from '../schema/logical-schema.js';
import type { DataSource, TimestampColumn } from './data-source.js';
import { parseDurationProperty } from './durations.js';
import type { StatementResult } from './engine-api.js';
import { keyFeatures, valueFeatures } from './serde-features.js';
import type { EngineContext } from './engine-context.js';
import { registerQuery } from './register-query.js';
import { describeSource, typeWord } from './source-description.js';
import { buildSourceTableQuery } from './source-table-query.js';
import { ensureTopic } from './topics.js';
import { CREATE_SOURCE_PROPERTIES, formatName, formatsOf, WithClause } from './with-properties.js';

/** Formats whose schemas live in the Schema Registry (CREATE without columns infers from them). */
const INFERRING_FORMATS: ReadonlySet<string> = new Set(['AVRO', 'JSON_SR', 'PROTOBUF']);

/**
 * CREATE [OR REPLACE] [SOURCE] STREAM|TABLE [IF NOT EXISTS] (ksqlDB's CreateSourceFactory and
 * DdlCommandExec): columns and their KEY / PRIMARY KEY rules, schema inference from the registry,
 * WITH properties, the topic (created when PARTITIONS is given), then the metastore entry.
 */
export async function executeCreateSource(
  ctx: EngineContext,
  stmt: StatementOf<'CreateSource'>,
  props: Readonly<Record<string, string>>,
): Promise<StatementResult> {
  const { name, sourceType } = stmt;
  const kind = sourceType.toLowerCase();
  const existing = ctx.metastore.get(name);
  if (existing && stmt.ifNotExists) {
    return {
      kind: 'SourceCreated',
      statementText: stmt.text,
      source: describeSource(existing, ctx.metastore),
      message: `Cannot add ${kind} ${name}: A ${existing.type.toLowerCase()} with the same name already exists.`,
    };
  }
  if (stmt.orReplace && (stmt.isSource || existing?.isSource)) {
    throw new KsqlError(
      `Cannot add ${kind} '${name}': CREATE OR REPLACE is not supported on source ${kind}s.`,
    );
  }
  if (existing && !stmt.orReplace) {
    throw new KsqlError(
      `Cannot add ${kind} '${name}': A ${existing.type.toLowerCase()} with the same name already exists`,
    );
  }

  const w = new WithClause(stmt.properties);
  w.check(CREATE_SOURCE_PROPERTIES);
  const topic = w.string('KAFKA_TOPIC');
  if (topic === undefined)
    throw new KsqlError('Missing required property "KAFKA_TOPIC" which has no default value.');
  const defaultValue = props['ksql.persistence.default.format.value'];
  const defaultKey = props['ksql.persistence.default.format.key'] ?? 'KAFKA';
  const formats = formatsOf(w, {
    key: { name: formatName(defaultKey), properties: {} },
    value: defaultValue ? { name: formatName(defaultValue), properties: {} } : undefined,
  });
  if (!formats.value) {
    throw new KsqlError(
      "Statement is missing the 'VALUE_FORMAT' property from the WITH clause. Either provide one or set a default via the 'ksql.persistence.default.format.value' config.",
    );
  }
  const keyFormat = formats.key!;
  const valueFormat = formats.value;

  for (const [part, format] of [
    ['KEY', keyFormat],
    ['VALUE', valueFormat],
  ] as const) {
    if (w.has(`${part}_SCHEMA_ID`) && !INFERRING_FORMATS.has(format.name)) {
      throw new KsqlError(
        `${part}_FORMAT should support schema inference when ${part}_SCHEMA_ID is provided. Current format is ${format.name}.`,
      );
    }
  }
  let { key, value } = declaredColumns(stmt.elements ?? [], sourceType);
  if (value.length === 0 && INFERRING_FORMATS.has(valueFormat.name)) {
    const inferred = await ctx.formats.inferColumns(valueFormat, topic, 'value', {
      wrapSingleValue: w.boolean('WRAP_SINGLE_VALUE'),
    });
    if (!inferred)
      throw new KsqlError(
        `Schema for message values on topic '${topic}' does not exist in the Schema Registry.`,
      );
    value = inferred.map((c) => ({ ...c, namespace: 'VALUE' as const }));
  }
  if (key.length === 0 && INFERRING_FORMATS.has(keyFormat.name)) {
    const inferred = await ctx.formats.inferColumns(keyFormat, topic, 'key');
    if (!inferred)
      throw new KsqlError(
        `Schema for message keys on topic '${topic}' does not exist in the Schema Registry.`,
      );
    key = inferred.map((c) => ({ ...c, namespace: 'KEY' as const }));
  }
  if (sourceType === 'TABLE' && key.length === 0) {
    throw new KsqlError('Tables require a PRIMARY KEY. Please define the PRIMARY KEY.');
  }
  if (key.length === 0 && value.length === 0 && valueFormat.name !== 'NONE') {
    throw new KsqlError('No columns supplied.');
  }
  checkKeyTypes(key);
  const schema = new LogicalSchema(key, value);
  const effectiveKeyFormat: FormatInfo =
    key.length === 0 && !w.has('KEY_FORMAT') && !w.has('FORMAT')
      ? { name: 'NONE', properties: {} }
      : keyFormat;
  ctx.formats.validate(effectiveKeyFormat, key, 'key');
  ctx.formats.validate(valueFormat, value, 'value');

  const wrapSingleValue = wrapSingleValueOf(valueFormat, w, props, value.length);
  const window = windowOf(w);
  if (window && key.length === 0) throw new KsqlError('Windowed sources require a key column.');
  const timestamp = timestampOf(w, schema);

  const partitions = await ensureTopic(
    ctx,
    topic,
    w.int('PARTITIONS'),
    w.int('REPLICAS'),
    w.string('RETENTION_MS'),
  );
  const source: DataSource = {
    name,
    type: sourceType,
    schema,
    topic,
    keyFormat: effectiveKeyFormat,
    valueFormat,
    wrapSingleValue,
    timestamp,
    window,
    partitions,
    replicas: w.int('REPLICAS'),
    isSource: stmt.isSource,
    casTarget: false,
    statement: stmt.text,
    keyFeatures: keyFeatures(effectiveKeyFormat, key.length),
    valueFeatures: valueFeatures(valueFormat, wrapSingleValue),
  };
  // CREATE SOURCE TABLE runs a materializing query (CST_<NAME>_<n>), as ksqlDB does.
  const cst =
    stmt.isSource && sourceType === 'TABLE' ? await buildSourceTableQuery(ctx, source, props) : undefined;
  ctx.metastore.put(source, stmt.orReplace);
  if (cst) {
    ctx.queryCounter++;
    registerQuery(ctx, cst, stmt.text, name, topic, props, true);
  }
  return {
    kind: 'SourceCreated',
    statementText: stmt.text,
    source: describeSource(source, ctx.metastore),
    message: `${typeWord(sourceType)} created`,
  };
}

/** Key and value columns of the column list, with ksqlDB's rules for KEY / PRIMARY KEY and names. */
function declaredColumns(
  elements: readonly TableElement[],
  type: 'STREAM' | 'TABLE',
): { key: Column[]; value: Column[] } {
  const key: Column[] = [];
  const value: Column[] = [];
  const seen = new Set<string>();
  for (const e of elements) {
    if (RESERVED_COLUMN_NAMES.has(e.name)) {
      throw new KsqlError(
        `'${e.name}' is a reserved column name. You cannot use it as a name for a column.`,
        e.pos,
      );
    }
    if (seen.has(e.name)) throw new KsqlError(`Duplicate column names: \`${e.name}\``, e.pos);
    seen.add(e.name);
    const c = e.constraint;
    if (c === 'PRIMARY KEY' && type === 'STREAM') {
      throw new KsqlError(
        `Column \`${e.name}\` is a 'PRIMARY KEY' column: please use 'KEY' for streams.`,
        e.pos,
      );
    }
    if (c === 'KEY' && type === 'TABLE') {
      throw new KsqlError(
        `Column \`${e.name}\` is a 'KEY' column: please use 'PRIMARY KEY' for tables.`,
        e.pos,
      );
    }
    if (c === 'HEADERS' || (typeof c === 'object' && c !== null))
      throw new UnsupportedFeatureError('HEADERS columns', e.pos);
    if (c === 'KEY' || c === 'PRIMARY KEY') key.push({ name: e.name, type: e.type, namespace: 'KEY' });
    else value.push({ name: e.name, type: e.type, namespace: 'VALUE' });
  }
  return { key, value };
}

function windowOf(w: WithClause): WindowInfo | undefined {
  const typeText = w.string('WINDOW_TYPE');
  const sizeText = w.string('WINDOW_SIZE');
  if (typeText === undefined) {
    if (sizeText !== undefined) throw new KsqlError("'WINDOW_SIZE' should not be set without 'WINDOW_TYPE'.");
    return undefined;
  }
  const type = typeText.toUpperCase() as WindowKind;
  if (type !== 'TUMBLING' && type !== 'HOPPING' && type !== 'SESSION') {
    throw new KsqlError(
      `Invalid value ${typeText} for property WINDOW_TYPE: String must be one of: SESSION, HOPPING, TUMBLING, null`,
    );
  }
  if (type === 'SESSION') {
    if (sizeText !== undefined) throw new KsqlError("'WINDOW_SIZE' should not be set for SESSION windows.");
    return { type };
  }
  if (sizeText === undefined) throw new KsqlError(`'WINDOW_SIZE' must be set for ${type} windows.`);
  return { type, sizeMs: parseDurationProperty('WINDOW_SIZE', sizeText) };
}

/** TIMESTAMP / TIMESTAMP_FORMAT, the column name resolved as an identifier (unquoted → upper case). */
export function timestampOf(w: WithClause, schema: LogicalSchema): TimestampColumn | undefined {
  const raw = w.string('TIMESTAMP');
  if (raw === undefined) return undefined;
  const column = /^`.*`$/.test(raw) ? raw.slice(1, -1) : raw.toUpperCase();
  const col = schema.findColumn(column);
  if (!col)
    throw new KsqlError(
      `The TIMESTAMP column set in the WITH clause does not exist in the schema: '${column}'`,
    );
  const format = w.string('TIMESTAMP_FORMAT');
  const base = col.type.base;
  if (base === 'STRING' && format === undefined) {
    throw new KsqlError(
      `A String timestamp field has been specified without also specifying the timestamp.string.format`,
    );
  }
  if (base !== 'BIGINT' && base !== 'TIMESTAMP' && base !== 'STRING') {
    throw new KsqlError(
      `Timestamp column, \`${column}\`, should be LONG(INT64), TIMESTAMP, or a String with a timestamp_format specified.`,
    );
  }
  return { column, format };
}

/**
 * WRAP_SINGLE_VALUE, or ksql.persistence.wrap.single.values for single-column values when the
 * statement does not say; explicit only for single-field value schemas.
 */
export function wrapSingleValueOf(
  format: FormatInfo,
  w: WithClause,
  props: Readonly<Record<string, string>>,
  valueColumns: number,
): boolean | undefined {
  const explicit = w.boolean('WRAP_SINGLE_VALUE');
  if (explicit !== undefined) {
    validateWrapSingleValue(format, valueColumns, explicit);
    return explicit;
  }
  const configured = props['ksql.persistence.wrap.single.values'];
  if (configured === undefined || valueColumns !== 1) return undefined;
  return configured.toLowerCase() === 'true';
}

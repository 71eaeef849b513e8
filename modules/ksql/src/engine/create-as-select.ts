import { KsqlError } from '../errors.js';
import type { FormatInfo } from '../format/format.js';
import { avroKeySchemaName } from '../format/avro-schema.js';
import type { StatementOf } from '../parser/ast.js';
import type { Column } from '../schema/logical-schema.js';
import { formatSqlType, sqlTypeEquals } from '../types/sql-type.js';
import type { PlannedStream } from '../plan/planned-stream.js';
import type { SinkSpec } from '../plan/sink-step.js';
import { checkKeyTypes } from '../plan/key-types.js';
import { timestampOf, wrapSingleValueOf } from './create-source.js';
import type { DataSource } from './data-source.js';
import type { StatementResult } from './engine-api.js';
import { keyFeatures, valueFeatures } from './serde-features.js';
import type { EngineContext } from './engine-context.js';
import { type BuiltQuery, buildPersistentQuery } from './query-builder.js';
import { registerQuery } from './register-query.js';
import { compatibleSchemas, formatSchema } from './schema-text.js';
import { describeSource } from './source-description.js';
import { CREATE_AS_PROPERTIES, formatName, formatsOf, WithClause } from './with-properties.js';

/** The sink a CREATE … AS SELECT would create, decided once the query's output is known. */
interface PlannedSink {
  source?: DataSource;
  partitions?: number;
  replicas?: number;
}

/**
 * CREATE [OR REPLACE] STREAM|TABLE [IF NOT EXISTS] … AS SELECT (ksqlDB's CSAS / CTAS): plans the
 * query, derives the sink (topic = the name, formats and partitions from the FROM source unless
 * WITH says otherwise), creates the topic, registers the sink and the query `CSAS_<NAME>_<n>` /
 * `CTAS_<NAME>_<n>`. With `register: false` (EXPLAIN) it only builds.
 */
export async function executeCreateAsSelect(
  ctx: EngineContext,
  stmt: StatementOf<'CreateAsSelect'>,
  props: Readonly<Record<string, string>>,
  register = true,
): Promise<StatementResult | BuiltQuery> {
  const { name, sourceType } = stmt;
  const kind = sourceType.toLowerCase();
  const existing = ctx.metastore.get(name);
  if (existing && register && stmt.ifNotExists) {
    return {
      kind: 'SourceCreated',
      statementText: stmt.text,
      source: describeSource(existing, ctx.metastore),
      message: `Cannot add ${kind} ${name}: A ${existing.type.toLowerCase()} with the same name already exists.`,
    };
  }
  if (existing && !stmt.orReplace) {
    throw new KsqlError(
      `Cannot add ${kind} '${name}': A ${existing.type.toLowerCase()} with the same name already exists`,
    );
  }
  const writers = existing ? [...ctx.queries.values()].filter((q) => q.sinkName === name) : [];
  if (writers.length > 1) {
    throw new KsqlError(
      `REPLACE for sink ${name} is not supported because there are multiple queries writing into it: [${writers.map((q) => q.id).join(', ')}]`,
    );
  }
  const replacing = writers[0];

  const w = new WithClause(stmt.properties);
  w.check(CREATE_AS_PROPERTIES);
  const prefix = props['ksql.output.topic.name.prefix'] ?? '';
  const topic = w.string('KAFKA_TOPIC') ?? `${prefix}${name}`;
  const number = ctx.queryCounter;
  const queryId =
    replacing?.id ?? `${sourceType === 'STREAM' ? 'CSAS' : 'CTAS'}_${name.toUpperCase()}_${number}`;
  const sinkInfo: PlannedSink = {};

  const built = await buildPersistentQuery(
    ctx,
    stmt.query,
    queryId,
    name,
    props,
    async (output, from) => {
      checkResultType(output, sourceType);
      const formats = formatsOf(w, { key: from.keyFormat, value: from.valueFormat });
      const keyFormat = sinkKeyFormat(
        formats.key!,
        output,
        w.has('KEY_FORMAT') || w.has('FORMAT'),
        props,
        name,
      );
      const valueFormat = formats.value!;
      checkKeyTypes(output.schema.key);
      await checkRegisteredSchema(ctx, keyFormat, topic, 'key', output.schema.key);
      await checkRegisteredSchema(ctx, valueFormat, topic, 'value', output.schema.value);
      ctx.formats.validate(keyFormat, output.schema.key, 'key');
      ctx.formats.validate(valueFormat, output.schema.value, 'value');
      const wrapSingleValue = wrapSingleValueOf(valueFormat, w, props, output.schema.value.length);
      const timestamp = timestampOf(w, output.schema);
      const fromPartitions = from.partitions ?? (await ctx.options.topics.partitions(from.topic));
      const partitions = w.int('PARTITIONS') ?? intProp(props, 'ksql.sink.partitions') ?? fromPartitions ?? 1;
      const replicas = w.int('REPLICAS') ?? intProp(props, 'ksql.sink.replicas') ?? from.replicas;
      sinkInfo.partitions = partitions;
      sinkInfo.replicas = replicas;
      sinkInfo.source = {
        name,
        type: sourceType,
        schema: output.schema,
        topic,
        keyFormat,
        valueFormat,
        wrapSingleValue,
        timestamp,
        window: output.window,
        partitions,
        replicas,
        isSource: false,
        casTarget: true,
        statement: stmt.text,
        keyFeatures: keyFeatures(keyFormat, output.schema.key.length),
        valueFeatures: valueFeatures(valueFormat, wrapSingleValue),
      };
      const spec: SinkSpec = { topic, keyFormat, valueFormat, wrapSingleValue, timestamp };
      return spec;
    },
    undefined,
    timestampName(w),
    sourceType === 'TABLE',
  );
  if (!register) return built;

  const sink = sinkInfo.source!;
  if (existing && !compatibleSchemas(existing.schema, sink.schema)) {
    throw new KsqlError(
      `Cannot upgrade data source: ${name}\nExisting schema: ${formatSchema(existing.schema)}\nNew schema: ${formatSchema(sink.schema)}`,
    );
  }
  const existingPartitions = await ctx.options.topics.partitions(topic);
  if (existingPartitions === undefined) {
    await ctx.options.topics.create(topic, sinkInfo.partitions ?? 1, sinkInfo.replicas ?? 1, {});
  } else if (w.has('PARTITIONS') && w.int('PARTITIONS') !== existingPartitions) {
    throw new KsqlError(
      `A Kafka topic with the name '${topic}' already exists, with different partition/replica configuration than required. KSQL expects ${w.int('PARTITIONS')} partitions (topic has ${existingPartitions}).`,
    );
  }
  ctx.metastore.put({ ...sink, partitions: existingPartitions ?? sink.partitions }, stmt.orReplace);
  ctx.metastore.addReferences(
    name,
    built.planned.sources.map((s) => s.name),
  );
  if (!replacing) ctx.queryCounter++;
  const query = registerQuery(ctx, built, stmt.text, name, topic, props, true);
  return {
    kind: 'QueryCreated',
    statementText: stmt.text,
    query,
    message: `Created query with ID ${query.id}`,
  };
}

/**
 * INSERT INTO <stream> SELECT (ksqlDB's INSERTQUERY_<n>): the result must have the target's
 * schema; it is written with the target's topic and formats.
 */
export async function executeInsertInto(
  ctx: EngineContext,
  stmt: StatementOf<'InsertInto'>,
  props: Readonly<Record<string, string>>,
  register = true,
): Promise<StatementResult | BuiltQuery> {
  const target = ctx.metastore.get(stmt.target);
  if (!target) {
    // ksqlDB points at the name after `INSERT INTO `.
    const pos = stmt.pos && { line: stmt.pos.line, column: stmt.pos.column + 'INSERT INTO '.length };
    throw new KsqlError(`Source \`${stmt.target}\` does not exist.`, pos, { locationStyle: 'node' });
  }
  if (target.type !== 'STREAM') {
    throw new KsqlError(`INSERT INTO can only be used to insert into a stream. ${target.name} is a table.`);
  }
  if (target.isSource) throw new KsqlError(`Cannot insert into read-only stream: ${target.name}`);
  const queryId = `INSERTQUERY_${ctx.queryCounter}`;
  const built = await buildPersistentQuery(
    ctx,
    stmt.query,
    queryId,
    target.name,
    props,
    async (output) => {
      if (output.kind !== 'STREAM') {
        throw new KsqlError(
          `Incompatible data sink and query result. Data sink (${target.name}) type is KSTREAM but select query result is KTABLE.`,
        );
      }
      if (!compatibleSchemas(output.schema, target.schema)) {
        throw new KsqlError(
          `Incompatible schema between results and sink.\nResult schema is ${formatSchema(output.schema)}\nSink schema is ${formatSchema(target.schema)}`,
        );
      }
      return {
        topic: target.topic,
        keyFormat: target.keyFormat,
        valueFormat: target.valueFormat,
        wrapSingleValue: target.wrapSingleValue,
        timestamp: target.timestamp,
      };
    },
    target.schema.value,
  );
  if (!register) return built;
  ctx.queryCounter++;
  const query = registerQuery(ctx, built, stmt.text, target.name, target.topic, props, false);
  return {
    kind: 'QueryCreated',
    statementText: stmt.text,
    query,
    message: `Created query with ID ${query.id}`,
  };
}

function checkResultType(output: PlannedStream, wanted: 'STREAM' | 'TABLE'): void {
  if (output.kind === wanted) return;
  const other = output.kind === 'TABLE' ? 'TABLE' : 'STREAM';
  throw new KsqlError(
    `Invalid result type. Your SELECT query produces a ${other}. Please use CREATE ${other} AS SELECT statement instead.`,
  );
}

/**
 * The sink's key format: none when the result has no key columns; the engine's default key
 * format (KAFKA) when the inherited one is NONE but the result has a key (ksqlDB's rules).
 */
function sinkKeyFormat(
  inherited: FormatInfo,
  output: PlannedStream,
  explicit: boolean,
  props: Readonly<Record<string, string>>,
  sinkName: string,
): FormatInfo {
  if (output.schema.key.length === 0 && !output.window) {
    if (explicit && inherited.name !== 'NONE')
      throw new KsqlError('Key format specified for stream without key columns.');
    return { name: 'NONE', properties: {} };
  }
  const format =
    !explicit && inherited.name === 'NONE'
      ? { name: formatName(props['ksql.persistence.default.format.key'] ?? 'KAFKA'), properties: {} }
      : inherited;
  return withAvroKeySchemaName(format, sinkName);
}

/**
 * An AVRO key's record is named after the sink, `<Name>Key` (ksqlDB's getKeyFormatProperties: so
 * generated classes of different sinks' keys do not clash), unless KEY_SCHEMA_FULL_NAME names it.
 */
function withAvroKeySchemaName(format: FormatInfo, sinkName: string): FormatInfo {
  if (format.name !== 'AVRO' || format.properties.fullSchemaName !== undefined) return format;
  return {
    name: format.name,
    properties: { ...format.properties, fullSchemaName: avroKeySchemaName(sinkName) },
  };
}

function intProp(props: Readonly<Record<string, string>>, name: string): number | undefined {
  const v = props[name];
  if (v === undefined) return undefined;
  const n = Number(v);
  return Number.isInteger(n) && n > 0 ? n : undefined;
}

/**
 * With KEY_SCHEMA_ID / VALUE_SCHEMA_ID the sink writes with a schema already in the registry: the
 * result's columns must be its leading columns, same names and types, in order (ksqlDB's
 * SchemaRegisterInjector); the registry schema may have more.
 */
async function checkRegisteredSchema(
  ctx: EngineContext,
  format: FormatInfo,
  topic: string,
  part: 'key' | 'value',
  columns: readonly Column[],
): Promise<void> {
  if (format.properties.schemaId === undefined) return;
  const registered = await ctx.formats.inferColumns(format, topic, part);
  if (!registered) return;
  const changed = columns.filter((c, i) => {
    const r = registered[i];
    return !r || r.name !== c.name || !sqlTypeEquals(r.type, c.type);
  });
  if (changed.length === 0) return;
  const list = (cols: readonly Pick<Column, 'name' | 'type'>[]) =>
    `[${cols.map((c) => `\`${c.name}\` ${formatSqlType(c.type)}`).join(', ')}]`;
  throw new KsqlError(
    `The following ${part} columns are changed, missing or reordered: ${list(changed)}. Schema from schema registry is ${list(registered)}`,
  );
}

/** The WITH TIMESTAMP column name, resolved as an identifier (unquoted → upper case). */
function timestampName(w: WithClause): string | undefined {
  const raw = w.string('TIMESTAMP');
  if (raw === undefined) return undefined;
  return /^`.*`$/.test(raw) ? raw.slice(1, -1) : raw.toUpperCase();
}

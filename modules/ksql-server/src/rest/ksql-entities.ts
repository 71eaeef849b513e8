import type { Column, PersistentQuery, SourceDescription, SqlType, StatementResult } from '@meterstream/ksql';
import type { QueryStatus } from '../runtime/query-runtime.js';
import type { ExecutedStatement } from '../service/ksql-service.js';
import { functionInfoOf } from './function-signature.js';
import { ErrorCode, QUERY_ENDPOINT_MESSAGE, RestError, terminated } from './rest-errors.js';

/**
 * The JSON entities of ksqlDB's `POST /ksql` answer (KsqlEntity and its `@type` names), built from
 * what the service executed. Statements ksqlDB answers without an entity (INSERT VALUES, SET,
 * UNSET, DEFINE, UNDEFINE) give undefined.
 */
export type KsqlEntity = { readonly '@type': string; readonly statementText: string } & Record<
  string,
  unknown
>;

export function entityOf(executed: ExecutedStatement): KsqlEntity | undefined {
  const { result, command } = executed;
  if (command)
    return {
      '@type': 'currentStatus',
      statementText: terminated(result.statementText),
      commandId: command.commandId,
      commandStatus: commandStatusJson(command.status),
      commandSequenceNumber: command.commandSequenceNumber,
      warnings: [],
    };
  return entityOfResult(result, executed.queryStatus);
}

export function commandStatusJson(status: {
  readonly status: string;
  readonly message: string;
  readonly queryId?: string;
}): Record<string, unknown> {
  return {
    status: status.status,
    message: status.message,
    ...(status.queryId === undefined ? {} : { queryId: status.queryId }),
  };
}

function entityOfResult(
  result: StatementResult,
  statuses: ReadonlyMap<string, QueryStatus> | undefined,
): KsqlEntity | undefined {
  const statementText = terminated(result.statementText);
  const base = { statementText, warnings: [] };
  switch (result.kind) {
    case 'RowsInserted':
    case 'PropertySet':
    case 'PropertyUnset':
    case 'VariableDefined':
    case 'VariableUndefined':
      return undefined;
    case 'TransientQuery':
      throw new RestError(400, ErrorCode.QUERY_ENDPOINT, QUERY_ENDPOINT_MESSAGE, statementText);
    case 'SourceCreated':
    case 'SourceDropped':
    case 'QueryCreated':
      // Without a command (a service that does not use a command topic for it) ksqlDB's
      // currentStatus still carries the outcome; -1 is its "no sequence number".
      return uncommittedStatus(statementText, result.message);
    case 'QueryTerminated':
      return uncommittedStatus(statementText, 'Query terminated.');
    case 'TypeCreated':
    case 'TypeDropped':
      return uncommittedStatus(
        statementText,
        result.kind === 'TypeCreated' ? 'Type created' : 'Dropped type',
      );
    case 'Streams':
      return { '@type': 'streams', ...base, streams: result.sources.map(sourceInfo) };
    case 'Tables':
      return { '@type': 'tables', ...base, tables: result.sources.map(sourceInfo) };
    case 'Queries':
      return {
        '@type': 'queries',
        ...base,
        queries: result.queries.map((q) =>
          runningQuery(q.id, statuses?.get(q.id), q.statementText, [q.sinkName], [q.sinkTopic]),
        ),
      };
    case 'Topics':
      return {
        '@type': 'kafka_topics',
        ...base,
        // replicaInfo: one entry per partition (its replica count; the catalog only knows partitions).
        topics: result.topics.map((t) => ({ name: t.name, replicaInfo: new Array(t.partitions).fill(1) })),
      };
    case 'Properties':
      return {
        '@type': 'properties',
        ...base,
        properties: Object.entries(result.properties).map(([name, value]) => ({
          name,
          scope: propertyScope(name),
          value,
        })),
        overwrittenProperties: [],
        defaultProperties: [],
      };
    case 'Functions':
      return { '@type': 'function_names', ...base, functions: result.functions };
    case 'Types':
      // ksqlDB's TypeList: a JSON object of SchemaInfo by type name.
      return {
        '@type': 'type_list',
        ...base,
        types: Object.fromEntries(result.types.map((t) => [t.name, schemaInfo(t.type)])),
      };
    case 'FunctionDescription':
      return {
        '@type': 'describe_function',
        ...base,
        name: result.name,
        description: result.description,
        author: 'Confluent',
        version: '',
        path: 'internal',
        // The engine gives each variant's signature text; ksqlDB's FunctionInfo splits it into
        // arguments and return type.
        functions: result.variants.map(functionInfoOf),
        type: 'SCALAR',
      };
    case 'SourceDescription':
      return {
        '@type': 'sourceDescription',
        ...base,
        sourceDescription: sourceDescriptionJson(result.source, result.extended, statuses, result.queries),
      };
    case 'QueryDescription':
      return {
        '@type': 'queryDescription',
        ...base,
        queryDescription: queryDescriptionJson(result, statuses),
      };
  }
}

/** ksqlDB's QueryDescription (EXPLAIN): the query's statement, result fields, sources and sink. */
function queryDescriptionJson(
  result: Extract<StatementResult, { kind: 'QueryDescription' }>,
  statuses: ReadonlyMap<string, QueryStatus> | undefined,
): Record<string, unknown> {
  const status = result.queryId ? statuses?.get(result.queryId) : undefined;
  return {
    id: result.queryId ?? '',
    statementText: terminated(result.queryStatement),
    ...(result.windowType === undefined ? {} : { windowType: result.windowType }),
    fields: result.fields.map(fieldInfo),
    sources: result.sources,
    sinks: result.sinks,
    sinkKafkaTopics: result.sinkKafkaTopics,
    topology: result.topology,
    executionPlan: result.executionPlan,
    overriddenProperties: result.overriddenProperties,
    ksqlHostQueryStatus: {},
    queryType: result.queryType,
    queryErrors: status?.errors ?? [],
    tasksMetadata: [],
    ...(result.consumerGroupId === undefined ? {} : { consumerGroupId: result.consumerGroupId }),
    // EXPLAIN <statement> describes a query that does not run.
    ...(result.queryId === undefined ? {} : { state: status?.state ?? 'RUNNING' }),
  };
}

function uncommittedStatus(statementText: string, message: string): KsqlEntity {
  return {
    '@type': 'currentStatus',
    statementText,
    commandId: '',
    commandStatus: { status: 'SUCCESS', message },
    commandSequenceNumber: -1,
    warnings: [],
  };
}

/** ksqlDB's SourceInfo.Stream / SourceInfo.Table (SHOW STREAMS / TABLES). */
function sourceInfo(s: SourceDescription): Record<string, unknown> {
  return {
    type: s.type,
    name: s.name,
    topic: s.topic,
    keyFormat: s.keyFormat,
    valueFormat: s.valueFormat,
    isWindowed: s.windowType !== undefined,
  };
}

/**
 * ksqlDB's RunningQuery. A query without a status from the service is reported RUNNING: the
 * engine lists only registered queries.
 */
function runningQuery(
  id: string,
  status: QueryStatus | undefined,
  queryString: string,
  sinks: readonly string[],
  sinkKafkaTopics: readonly string[],
): Record<string, unknown> {
  const state = status?.state ?? 'RUNNING';
  return {
    queryString,
    sinks,
    sinkKafkaTopics,
    id,
    statusCount: { [state]: 1 },
    queryType: 'PERSISTENT',
    state,
  };
}

function propertyScope(name: string): string {
  if (name.startsWith('ksql.streams.')) return 'STREAMS';
  if (name.startsWith('ksql.')) return 'KSQL';
  return 'STREAMS';
}

/** ksqlDB's SourceDescription (DESCRIBE [EXTENDED]). */
function sourceDescriptionJson(
  s: SourceDescription,
  extended: boolean,
  statuses: ReadonlyMap<string, QueryStatus> | undefined,
  known: ReadonlyMap<string, PersistentQuery> | undefined,
): Record<string, unknown> {
  // Each query as SHOW QUERIES lists it: its statement, its sink and the sink's topic.
  const queries = (ids: readonly string[], sink: boolean) =>
    ids.map((id) => {
      const q = known?.get(id);
      return q
        ? runningQuery(id, statuses?.get(id), q.statementText, [q.sinkName], [q.sinkTopic])
        : runningQuery(id, statuses?.get(id), '', sink ? [s.name] : [], sink ? [s.topic] : []);
    });
  return {
    name: s.name,
    ...(s.windowType === undefined ? {} : { windowType: s.windowType }),
    readQueries: queries(s.readQueries, false),
    writeQueries: queries(s.writeQueries, true),
    fields: s.columns.map(fieldInfo),
    type: s.type,
    timestamp: s.timestampColumn ?? '',
    statistics: '',
    errorStats: '',
    extended,
    keyFormat: s.keyFormat,
    valueFormat: s.valueFormat,
    topic: s.topic,
    partitions: s.partitions ?? 0,
    replication: s.replicas ?? 0,
    statement: s.statement,
    queryOffsetSummaries: [],
    sourceConstraints: [],
    clusterStatistics: [],
    clusterErrorStats: [],
  };
}

/** ksqlDB's FieldInfo: key columns carry `type: "KEY"`, header columns their `headerKey`. */
export function fieldInfo(c: Column): Record<string, unknown> {
  return {
    name: c.name,
    schema: schemaInfo(c.type),
    ...(c.namespace === 'KEY' ? { type: 'KEY' } : {}),
    ...(c.headerKey === undefined || c.headerKey === null ? {} : { headerKey: c.headerKey }),
  };
}

/** ksqlDB's SchemaInfo: base type, struct fields, array element / map value as memberSchema. */
export function schemaInfo(t: SqlType): Record<string, unknown> {
  switch (t.base) {
    case 'STRUCT':
      return {
        type: 'STRUCT',
        fields: t.fields.map((f) => ({ name: f.name, schema: schemaInfo(f.type) })),
        memberSchema: null,
      };
    case 'ARRAY':
      return { type: 'ARRAY', fields: null, memberSchema: schemaInfo(t.element) };
    case 'MAP':
      return { type: 'MAP', fields: null, memberSchema: schemaInfo(t.value) };
    case 'DECIMAL':
      return {
        type: 'DECIMAL',
        fields: null,
        memberSchema: null,
        parameters: { precision: t.precision, scale: t.scale },
      };
    default:
      return { type: t.base, fields: null, memberSchema: null };
  }
}

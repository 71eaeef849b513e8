import { renderPairs, renderTable } from './render-table.js';

type Entity = Record<string, unknown>;

const str = (v: unknown): string => (v === null || v === undefined ? '' : String(v));
const list = (v: unknown): Entity[] => (Array.isArray(v) ? (v as Entity[]) : []);

/**
 * Lines for one entity of a POST /ksql answer, in the layout of ksqlDB's CLI for the entity types
 * it documents; an entity of another type is printed as JSON, never dropped.
 */
export function renderEntity(entity: Entity): string[] {
  const lines = body(entity);
  for (const w of list(entity.warnings)) lines.push(`WARNING: ${str(w.message)}`);
  return lines;
}

function body(e: Entity): string[] {
  switch (e['@type']) {
    case 'currentStatus': {
      const status = (e.commandStatus ?? {}) as Entity;
      return renderTable(['Message'], [[str(status.message)]]);
    }
    case 'streams':
      return renderTable(
        ['Stream Name', 'Kafka Topic', 'Key Format', 'Value Format', 'Windowed'],
        list(e.streams).map((s) => [
          str(s.name),
          str(s.topic),
          str(s.keyFormat),
          str(s.valueFormat),
          str(s.isWindowed ?? false),
        ]),
      );
    case 'tables':
      return renderTable(
        ['Table Name', 'Kafka Topic', 'Key Format', 'Value Format', 'Windowed'],
        list(e.tables).map((t) => [
          str(t.name),
          str(t.topic),
          str(t.keyFormat),
          str(t.valueFormat),
          str(t.isWindowed ?? false),
        ]),
      );
    case 'queries':
      return renderTable(
        ['Query ID', 'Query Type', 'Status', 'Sink Name', 'Sink Kafka Topic', 'Query String'],
        list(e.queries).map((q) => [
          str(q.id),
          str(q.queryType),
          statusText(q),
          list(q.sinks as unknown).join(', ') || str(q.sinks),
          list(q.sinkKafkaTopics as unknown).join(', ') || str(q.sinkKafkaTopics),
          str(q.queryString).replace(/\s+/g, ' '),
        ]),
      );
    case 'properties': {
      const props = (e.properties ?? []) as unknown;
      const rows = Array.isArray(props)
        ? (props as Entity[]).map((p) => [str(p.name), str(p.scope), str(p.value)])
        : Object.entries(props as Entity).map(([k, v]) => [k, '', str(v)]);
      return renderTable(['Property', 'Scope', 'Value'], rows);
    }
    case 'kafka_topics':
      return renderTable(
        ['Kafka Topic', 'Partitions', 'Partition Replicas'],
        list(e.topics).map((t) => [
          str(t.name),
          str(list(t.replicaInfo).length || t.partitions),
          list(t.replicaInfo).join(','),
        ]),
      );
    case 'function_names':
      return renderTable(
        ['Function Name', 'Category'],
        list(e.functions).map((f) => [str(f.name), str(f.category)]),
      );
    case 'sourceDescription':
      return sourceDescription((e.sourceDescription ?? {}) as Entity);
    case 'queryDescription':
      return queryDescription((e.queryDescription ?? {}) as Entity);
    case 'describe_function':
      return [
        ...renderPairs([
          ['Name', str(e.name)],
          ['Overview', str(e.description)],
          ['Type', str(e.type)],
        ]),
        '',
        ...list(e.functions).map(
          (f) =>
            `\tVariation   : ${str(f.name)}(${list(f.arguments)
              .map((a) => `${str(a.name)} ${str(a.type)}`)
              .join(', ')})`,
        ),
      ];
    case 'type_list':
      return renderTable(
        ['Type Name', 'Schema'],
        Object.entries((e.types ?? {}) as Entity).map(([k, v]) => [
          k,
          str((v as Entity).schema ?? JSON.stringify(v)),
        ]),
      );
    default:
      return [JSON.stringify(e, null, 2)];
  }
}

function statusText(q: Entity): string {
  if (q.state !== undefined) return str(q.state);
  const counts = (q.statusCount ?? {}) as Entity;
  return Object.entries(counts)
    .map(([k, v]) => `${k}:${str(v)}`)
    .join(' ');
}

function sourceDescription(s: Entity): string[] {
  const lines = renderPairs([
    ['Name', str(s.name)],
    ['Type', str(s.type)],
    ['Timestamp field', str(s.timestamp) || 'Not set - using <ROWTIME>'],
    ['Key format', str(s.keyFormat)],
    ['Value format', str(s.valueFormat)],
    ['Kafka topic', `${str(s.topic)} (partitions: ${str(s.partitions)}, replication: ${str(s.replication)})`],
    ['Statement', str(s.statement)],
  ]);
  lines.push(
    '',
    ...renderTable(
      ['Field', 'Type'],
      list(s.fields).map((f) => {
        const schema = (f.schema ?? {}) as Entity;
        const type = str(schema.type);
        const key = f.type === 'KEY' ? ' (primary key)' : '';
        return [str(f.name), `${type}${key}`];
      }),
    ),
  );
  const readers = list(s.readQueries);
  const writers = list(s.writeQueries);
  if (readers.length + writers.length > 0) {
    lines.push(
      '',
      'Queries that read from this source',
      ...readers.map((q) => `${str(q.id)} : ${str(q.queryString)}`),
    );
    lines.push(
      '',
      'Queries that write to this source',
      ...writers.map((q) => `${str(q.id)} : ${str(q.queryString)}`),
    );
  }
  return lines;
}

function queryDescription(q: Entity): string[] {
  return [
    ...renderPairs([
      ['ID', str(q.id)],
      ['Query Type', str(q.queryType)],
      ['SQL', str(q.statementText)],
      ['Host Query Status', JSON.stringify(q.ksqlHostQueryStatus ?? {})],
    ]),
    '',
    'Execution plan',
    '--------------',
    str(q.executionPlan),
    '',
    'Processing topology',
    '-------------------',
    str(q.topology),
  ];
}

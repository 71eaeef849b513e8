import { KsqlError } from '../errors.js';
import type { StatementOf } from '../parser/ast.js';
import type { PersistentQuery, StatementResult } from './engine-api.js';
import type { EngineContext } from './engine-context.js';
import { describeSource } from './source-description.js';

/** SHOW / LIST STREAMS | TABLES | QUERIES | TOPICS | PROPERTIES | FUNCTIONS | TYPES. */
export async function executeList(
  ctx: EngineContext,
  stmt: StatementOf<'List'>,
  props: Readonly<Record<string, string>>,
): Promise<StatementResult> {
  const text = stmt.text;
  switch (stmt.what) {
    case 'STREAMS':
    case 'TABLES': {
      const type = stmt.what === 'STREAMS' ? 'STREAM' : 'TABLE';
      const sources = ctx.metastore
        .all()
        .filter((s) => s.type === type)
        .sort((a, b) => a.name.localeCompare(b.name))
        .map((s) => describeSource(s, ctx.metastore));
      return { kind: stmt.what === 'STREAMS' ? 'Streams' : 'Tables', statementText: text, sources };
    }
    case 'QUERIES':
      return { kind: 'Queries', statementText: text, queries: [...ctx.queries.values()] };
    case 'TOPICS': {
      const names = (await ctx.options.topics.list()).filter((t) => stmt.all || !isHidden(t));
      const topics = [];
      for (const name of [...names].sort())
        topics.push({ name, partitions: (await ctx.options.topics.partitions(name)) ?? 0 });
      return { kind: 'Topics', statementText: text, topics };
    }
    case 'PROPERTIES':
      return { kind: 'Properties', statementText: text, properties: { ...props } };
    case 'FUNCTIONS':
      return {
        kind: 'Functions',
        statementText: text,
        functions: ctx.functions
          .list()
          .map((f) => ({ name: f.name, type: f.kind, category: f.category }))
          .sort((a, b) => a.name.localeCompare(b.name)),
      };
    case 'TYPES':
      return {
        kind: 'Types',
        statementText: text,
        types: [...ctx.metastore.typeRegistry()]
          .map(([name, type]) => ({ name, type }))
          .sort((a, b) => a.name.localeCompare(b.name)),
      };
    case 'VARIABLES':
      throw new KsqlError(`SHOW ${stmt.what} is not supported by the meterstream KSQL engine`);
  }
}

/** Internal topics and ksqlDB's hidden ones (ksql.hidden.topics defaults) are not listed by SHOW TOPICS. */
function isHidden(topic: string): boolean {
  return topic.startsWith('_confluent') || topic.startsWith('__') || topic === '_schemas';
}

export function executeDescribeSource(
  ctx: EngineContext,
  stmt: StatementOf<'DescribeSource'>,
): StatementResult {
  const source = ctx.metastore.get(stmt.name);
  if (!source) throw new KsqlError(`Could not find STREAM/TABLE '${stmt.name}' in the Metastore`);
  const description = describeSource(source, ctx.metastore);
  const queries = new Map<string, PersistentQuery>();
  for (const id of [...description.readQueries, ...description.writeQueries]) {
    const q = ctx.queries.get(id);
    if (q) queries.set(id, q);
  }
  return {
    kind: 'SourceDescription',
    statementText: stmt.text,
    source: description,
    extended: stmt.extended,
    queries,
  };
}

export function executeDescribeFunction(
  ctx: EngineContext,
  stmt: StatementOf<'DescribeFunction'>,
): StatementResult {
  const f = ctx.functions.describe(stmt.name.toUpperCase());
  if (!f) throw new KsqlError(`Can't find any functions with the name '${stmt.name}'`);
  return {
    kind: 'FunctionDescription',
    statementText: stmt.text,
    name: f.name,
    description: f.description,
    variants: f.variants.map((v) => v.signature),
  };
}

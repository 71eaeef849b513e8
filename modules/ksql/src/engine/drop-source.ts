import { KsqlError } from '../errors.js';
import type { StatementOf } from '../parser/ast.js';
import type { StatementResult } from './engine-api.js';
import type { EngineContext } from './engine-context.js';
import { terminateQuery } from './register-query.js';
import { typeWord } from './source-description.js';

/**
 * DROP STREAM|TABLE [IF EXISTS] [DELETE TOPIC] (ksqlDB's DropSourceFactory and EngineContext):
 * refused while INSERT queries read or write the source, or while sources built from it exist;
 * the source's own CREATE … AS query is terminated with it.
 */
export async function executeDropSource(
  ctx: EngineContext,
  stmt: StatementOf<'DropSource'>,
): Promise<StatementResult> {
  const { name } = stmt;
  const source = ctx.metastore.get(name);
  if (!source) {
    if (stmt.ifExists) {
      return {
        kind: 'SourceDropped',
        statementText: stmt.text,
        name,
        message: `Source ${name} does not exist.`,
      };
    }
    throw new KsqlError(`${typeWord(stmt.sourceType)} ${name} does not exist.`);
  }
  if (source.type !== stmt.sourceType) {
    throw new KsqlError(
      `Incompatible data source type is ${source.type.toLowerCase()}, but statement was DROP ${stmt.sourceType}`,
    );
  }
  if (source.isSource && stmt.deleteTopic)
    throw new KsqlError(`Cannot delete topic for read-only source: ${name}`);

  const inserts = [...ctx.queries.values()].filter((q) => !q.createAs);
  const readers = inserts
    .filter((q) => q.sourceNames.includes(name))
    .map((q) => q.id)
    .sort();
  const writers = inserts
    .filter((q) => q.sinkName === name)
    .map((q) => q.id)
    .sort();
  if (readers.length > 0 || writers.length > 0) {
    throw new KsqlError(
      `Cannot drop ${name}.\nThe following queries read from this source: [${readers.join(', ')}].\nThe following queries write into this source: [${writers.join(', ')}].\nYou need to terminate them before dropping ${name}.`,
    );
  }
  ctx.metastore.delete(name);
  for (const q of [...ctx.queries.values()]) if (q.createAs && q.sinkName === name) terminateQuery(ctx, q.id);
  if (stmt.deleteTopic) await ctx.options.topics.delete(source.topic);
  return {
    kind: 'SourceDropped',
    statementText: stmt.text,
    name,
    message: `Source ${name} (topic: ${source.topic}) was dropped.`,
  };
}

/** TERMINATE <id> | ALL. */
export function executeTerminate(ctx: EngineContext, stmt: StatementOf<'TerminateQuery'>): StatementResult {
  if (stmt.all) {
    const ids = [...ctx.queries.keys()];
    for (const id of ids) terminateQuery(ctx, id);
    return { kind: 'QueryTerminated', statementText: stmt.text, queryIds: ids };
  }
  const id = stmt.queryId ?? '';
  const match = ctx.queries.has(id)
    ? id
    : [...ctx.queries.keys()].find((k) => k.toUpperCase() === id.toUpperCase());
  if (!match) throw new KsqlError(`Unknown queryId: ${id}`);
  terminateQuery(ctx, match);
  return { kind: 'QueryTerminated', statementText: stmt.text, queryIds: [match] };
}

import { KsqlError, UnsupportedFeatureError } from '../errors.js';
import type { Statement, StatementOf } from '../parser/ast.js';
import { executeAlterSource } from './alter-source.js';
import { executeCreateAsSelect, executeInsertInto } from './create-as-select.js';
import { executeCreateSource } from './create-source.js';
import { executeDropSource, executeTerminate } from './drop-source.js';
import type { StatementResult } from './engine-api.js';
import type { EngineContext } from './engine-context.js';
import { executeInsertValues } from './insert-values.js';
import { executeDescribeFunction, executeDescribeSource, executeList } from './listing.js';
import { planTransientQuery } from './transient-query.js';
import { executeExplain } from './explain.js';

/** Runs one parsed statement against the engine's state. */
export async function executeStatement(
  ctx: EngineContext,
  stmt: Statement,
  props: Readonly<Record<string, string>>,
): Promise<StatementResult> {
  const text = stmt.text;
  switch (stmt.kind) {
    case 'CreateSource':
      return executeCreateSource(ctx, stmt, props);
    case 'CreateAsSelect':
      rejectLimit(stmt);
      return (await executeCreateAsSelect(ctx, stmt, props)) as StatementResult;
    case 'InsertInto':
      return (await executeInsertInto(ctx, stmt, props)) as StatementResult;
    case 'InsertValues':
      return executeInsertValues(ctx, stmt);
    case 'DropSource':
      return executeDropSource(ctx, stmt);
    case 'TerminateQuery':
      return executeTerminate(ctx, stmt);
    case 'List':
      return executeList(ctx, stmt, props);
    case 'DescribeSource':
      return executeDescribeSource(ctx, stmt);
    case 'DescribeFunction':
      return executeDescribeFunction(ctx, stmt);
    case 'Explain':
      return executeExplain(ctx, stmt, props);
    case 'SetProperty':
      ctx.sessionProperties.set(stmt.name, stmt.value);
      return { kind: 'PropertySet', statementText: text, name: stmt.name, value: stmt.value };
    case 'UnsetProperty':
      ctx.sessionProperties.delete(stmt.name);
      return { kind: 'PropertyUnset', statementText: text, name: stmt.name };
    case 'DefineVariable':
      ctx.variables.set(stmt.name, stmt.value);
      return { kind: 'VariableDefined', statementText: text, name: stmt.name };
    case 'UndefineVariable':
      ctx.variables.delete(stmt.name);
      return { kind: 'VariableUndefined', statementText: text, name: stmt.name };
    case 'CreateType': {
      const existing = ctx.metastore.resolveType(stmt.name);
      if (existing && !stmt.ifNotExists) {
        throw new KsqlError(
          `Cannot register custom type '${stmt.name}' since it is already registered with type: ${JSON.stringify(existing)}`,
        );
      }
      ctx.metastore.registerType(stmt.name, stmt.type);
      return { kind: 'TypeCreated', statementText: text, name: stmt.name };
    }
    case 'DropType':
      if (!ctx.metastore.deleteType(stmt.name) && !stmt.ifExists)
        throw new KsqlError(`Type ${stmt.name} does not exist.`);
      return { kind: 'TypeDropped', statementText: text, name: stmt.name };
    case 'QueryStatement':
      return {
        kind: 'TransientQuery',
        statementText: text,
        query: await planTransientQuery(ctx, stmt.query, props),
      };
    case 'DescribeStreams':
      // DESCRIBE STREAMS [EXTENDED]: every stream's description, as SHOW STREAMS lists them.
      return executeList(
        ctx,
        { kind: 'List', what: 'STREAMS', extended: stmt.extended, text, pos: stmt.pos },
        props,
      );
    case 'PauseQuery':
    case 'ResumeQuery':
      throw new UnsupportedFeatureError(stmt.kind === 'PauseQuery' ? 'PAUSE' : 'RESUME', stmt.pos);
    case 'AlterSource':
      return executeAlterSource(ctx, stmt);
    case 'PrintTopic':
      throw new UnsupportedFeatureError('PRINT', stmt.pos);
  }
}

function rejectLimit(stmt: StatementOf<'CreateAsSelect'>): void {
  if (stmt.query.limit !== undefined) {
    throw new KsqlError(`CREATE ${stmt.sourceType} AS SELECT statements don't support LIMIT clause.`);
  }
}

import { KsqlError } from '../errors.js';
import type { StatementOf } from '../parser/ast.js';
import { RESERVED_COLUMN_NAMES } from '../plan/source-schema.js';
import { LogicalSchema } from '../schema/logical-schema.js';
import type { StatementResult } from './engine-api.js';
import type { EngineContext } from './engine-context.js';
import { describeSource } from './source-description.js';

/**
 * ALTER STREAM|TABLE … ADD COLUMN (ksqlDB's AlterSourceCommand): appends value columns to a
 * source declared with CREATE (not a read-only source, not a CREATE … AS sink).
 */
export function executeAlterSource(ctx: EngineContext, stmt: StatementOf<'AlterSource'>): StatementResult {
  const kind = stmt.sourceType.toLowerCase();
  const source = ctx.metastore.get(stmt.name);
  if (!source) throw new KsqlError(`Source ${stmt.name} does not exist.`);
  if (source.isSource) {
    throw new KsqlError(
      `Cannot alter ${kind} '${stmt.name}': ALTER operations are not supported on source ${kind}s.`,
    );
  }
  if (source.type !== stmt.sourceType) {
    throw new KsqlError(
      `Incompatible data source type is ${source.type}, but statement was ALTER ${stmt.sourceType}`,
    );
  }
  if (source.casTarget) throw new KsqlError('ALTER command is not supported for CREATE ... AS statements.');
  const value = [...source.schema.value];
  for (const e of stmt.addColumns) {
    if (RESERVED_COLUMN_NAMES.has(e.name)) {
      throw new KsqlError(
        `'${e.name}' is a reserved column name. You cannot use it as a name for a column.`,
        e.pos,
      );
    }
    if (source.schema.findColumn(e.name) || value.some((c) => c.name === e.name)) {
      throw new KsqlError(
        `Cannot add column \`${e.name}\` to schema. A column with the same name already exists.`,
        e.pos,
      );
    }
    value.push({ name: e.name, type: e.type, namespace: 'VALUE' });
  }
  const altered = { ...source, schema: new LogicalSchema(source.schema.key, value) };
  ctx.metastore.put(altered, true);
  return {
    kind: 'SourceCreated',
    statementText: stmt.text,
    source: describeSource(altered, ctx.metastore),
    message: `${kind === 'stream' ? 'Stream' : 'Table'} ${stmt.name} altered.`,
  };
}

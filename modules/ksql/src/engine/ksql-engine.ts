import { KsqlError } from '../errors.js';
import { createFormats } from '../format/formats.js';
import type { Formats } from '../format/format.js';
import { createFunctionRegistry } from '../function/registry.js';
import type { FunctionRegistry } from '../function/function-types.js';
import type { Statement } from '../parser/ast.js';
import type { DataSource } from './data-source.js';
import type { KsqlEngineOptions, PersistentQuery, QueryListener, StatementResult } from './engine-api.js';
import { type EngineContext, effectiveProperties, type RegisteredQuery } from './engine-context.js';
import { MetaStore } from './metastore.js';
import { parseScript } from './parse.js';
import { insertJsonRow, type SerializedRow, serializeJsonRow } from './insert-values.js';
import { executeStatement } from './statement-executor.js';

export interface ExecuteOptions {
  /** Request-level property overrides (ksqlDB's streamsProperties of a request). */
  readonly properties?: Readonly<Record<string, string>>;
  /** Variables for this request, over the session's DEFINEs. */
  readonly variables?: Readonly<Record<string, string>>;
}

/**
 * The embedded KSQL engine: executes KSQL statements against its metastore and plans persistent
 * queries into Topologies for its host to run (see engine-api.ts).
 */
export class KsqlEngine {
  private readonly ctx: EngineContext;

  constructor(
    options: KsqlEngineOptions,
    collaborators: { functions?: FunctionRegistry; formats?: Formats } = {},
  ) {
    this.ctx = {
      options,
      serviceId: options.serviceId ?? 'default_',
      metastore: new MetaStore(),
      queries: new Map<string, RegisteredQuery>(),
      functions: collaborators.functions ?? createFunctionRegistry(),
      formats: collaborators.formats ?? createFormats(options.schemaRegistry),
      listeners: new Set<QueryListener>(),
      sessionProperties: new Map(),
      variables: new Map(),
      queryCounter: 0,
      transientCounter: 0,
      clock: options.clock ?? Date.now,
    };
  }

  /**
   * Executes the statements of `sql` in order and returns one result per statement. Stops at the
   * first failing statement: the error is a KsqlError naming that statement (earlier statements
   * keep their effects, as in ksqlDB).
   */
  async execute(sql: string, options: ExecuteOptions = {}): Promise<StatementResult[]> {
    const results: StatementResult[] = [];
    const variables = new Map(this.ctx.variables);
    for (const [k, v] of Object.entries(options.variables ?? {})) variables.set(k, v);
    // The whole request is parsed first, as ksqlDB does: a syntax error anywhere runs nothing.
    let statements: Statement[];
    try {
      statements = parseScript(sql, variables, this.ctx.metastore.typeRegistry());
    } catch (err) {
      throw withStatement(err, sql.trim());
    }
    for (const stmt of statements) {
      const props = effectiveProperties(this.ctx, options.properties);
      try {
        results.push(await executeStatement(this.ctx, stmt, props));
      } catch (err) {
        throw withStatement(err, stmt.text);
      }
    }
    return results;
  }

  /**
   * Splits a request's script into its statements without executing anything (a host that runs
   * each statement on its own, e.g. through a command topic). Throws a KsqlError on a syntax error.
   */
  parse(sql: string, variables: Readonly<Record<string, string>> = {}): Statement[] {
    const vars = new Map(this.ctx.variables);
    for (const [k, v] of Object.entries(variables)) vars.set(k, v);
    try {
      return parseScript(sql, vars, this.ctx.metastore.typeRegistry());
    } catch (err) {
      throw withStatement(err, sql.trim());
    }
  }

  /**
   * Writes one row, given as a JSON object keyed by column name, into a stream with its formats
   * (a server's inserts-stream; INSERT VALUES' serialization and writer).
   */
  insertRow(target: string, row: Readonly<Record<string, unknown>>): Promise<void> {
    return insertJsonRow(this.ctx, target, row);
  }

  /** insertRow's validation and serialization without the write: a host that batches writes them. */
  serializeRow(target: string, row: Readonly<Record<string, unknown>>): Promise<SerializedRow> {
    return serializeJsonRow(this.ctx, target, row);
  }

  /** Persistent queries now running (as SHOW QUERIES lists them). */
  queries(): PersistentQuery[] {
    return [...this.ctx.queries.values()];
  }

  query(id: string): PersistentQuery | undefined {
    return this.ctx.queries.get(id);
  }

  /** A stream or table by name (as resolved by the parser). */
  source(name: string): DataSource | undefined {
    return this.ctx.metastore.get(name);
  }

  sources(): DataSource[] {
    return this.ctx.metastore.all();
  }

  /** The properties statements run with now (engine ← SET). */
  properties(): Record<string, string> {
    return effectiveProperties(this.ctx, undefined);
  }

  addListener(listener: QueryListener): () => void {
    this.ctx.listeners.add(listener);
    return () => this.ctx.listeners.delete(listener);
  }

  get functions(): FunctionRegistry {
    return this.ctx.functions;
  }

  get formats(): Formats {
    return this.ctx.formats;
  }
}

/**
 * Errors leave `execute` as KsqlErrors naming the failed statement (ksqlDB's
 * KsqlStatementException): KsqlErrors (and their subclasses) get `statementText`; anything else
 * is wrapped, the original kept as `cause`.
 */
function withStatement(err: unknown, text: string): KsqlError {
  if (err instanceof KsqlError) {
    err.statementText ??= text;
    return err;
  }
  const wrapped = new KsqlError(err instanceof Error ? err.message : String(err));
  (wrapped as { cause?: unknown }).cause = err;
  wrapped.statementText = text;
  return wrapped;
}

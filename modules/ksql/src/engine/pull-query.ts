import {
  type KeyValueIterator,
  type KeyValueStore,
  type ValueAndTimestamp,
  type Windowed,
  windowedKeyRange,
} from '@meterstream/streams';
import { KsqlError, UnsupportedFeatureError } from '../errors.js';
import type { CompiledExpression } from '../expr/compiled.js';
import type { Expression, Query } from '../parser/ast.js';
import { selectAliases } from '../plan/aggregate-aliases.js';
import { createColumnScope } from '../plan/column-scope.js';
import { compileIn, compilePredicate } from '../plan/compile.js';
import type { Column, GenericKey, GenericRow } from '../schema/logical-schema.js';
import { LogicalSchema } from '../schema/logical-schema.js';
import { formatSqlType, type SqlType, SqlTypes } from '../types/sql-type.js';
import type { DataSource } from './data-source.js';
import { checkInListKeys, keyConstraintError, mentioned } from './pull-key-constraints.js';
import type { EngineContext, RegisteredQuery } from './engine-context.js';
import { type WindowStartBounds, windowStartBounds } from './pull-window-bounds.js';

/**
 * A planned pull query (`SELECT … FROM <table> [WHERE …] [LIMIT n];`, no EMIT): the host reads the
 * materializing query's store (`storeName` in that query's running topology — a
 * TopologyTestDriver's `getStateStore`, or the Kafka runtime's store) and calls `execute`.
 */
export interface PullQueryPlan {
  readonly kind: 'pull';
  /** The persistent query whose store holds the table (CTAS_… or CST_…). */
  readonly queryId: string;
  readonly applicationId: string;
  readonly storeName: string;
  readonly sourceName: string;
  /** Result columns: `schema.columns()` in order is each row's layout. */
  readonly schema: LogicalSchema;
  /**
   * Result columns that are the source's key columns (or window bounds) selected by name: ksqlDB's
   * /query header marks them `KEY` wherever they stand in the projection.
   */
  readonly keyColumnNames: ReadonlySet<string>;
  readonly windowed: boolean;
  /**
   * The keys the WHERE pins (key lookups: one `get` each, or for a windowed table one key-range
   * read each, bounded by `windowStarts`); undefined → a table scan.
   */
  readonly keys?: readonly GenericKey[];
  /** Windowed tables: the window starts the WHERE allows (all when it has no WINDOWSTART bound). */
  readonly windowStarts?: WindowStartBounds;
  readonly limit?: number;
  /** Reads the rows from the query's store: WHERE applied, projected, at most `limit`. */
  execute(store: PullStore): unknown[][];
}

/**
 * What a pull query needs of the store (KeyValueStore's reads): `get` for a key lookup, `range`
 * for one key's windows (the windowed store's keys are byte-ordered, see pull-materialization.ts),
 * `all` for a scan.
 */
export type PullStore = Pick<
  KeyValueStore<GenericKey | Windowed<GenericKey>, ValueAndTimestamp<GenericRow>>,
  'get' | 'range' | 'all'
>;

const SYNTAX_HELP =
  ' See https://cnfl.io/queries for more info.\nAdd EMIT CHANGES if you intended to issue a push query.';

/** ksqlDB's PullQueryValidator rules, in its order (tables and streams alike). */
export function validatePullQuery(query: Query): void {
  const refuse = (what: string): never => {
    // ksqlDB's validator names no position.
    throw new KsqlError(`Pull queries don't support ${what}.${SYNTAX_HELP}`);
  };
  if (query.limit !== undefined && query.limit < 0) refuse('negative integers in the LIMIT clause');
  if (query.emit !== undefined) refuse('EMIT clauses');
  if (query.joins.length > 0) refuse('JOIN clauses');
  if (query.window) refuse('WINDOW clauses');
  if (query.groupBy) refuse('GROUP BY clauses');
  if (query.partitionBy) refuse('PARTITION BY clauses');
  if (query.having) refuse('HAVING clauses');
}

/**
 * Tables only (a stream scan has its own check and message, see stream-pull-query.ts): a table's
 * store keeps no partition or offset of its rows.
 */
function refuseTablePseudoColumns(query: Query): void {
  const pseudo = new Set(['ROWPARTITION', 'ROWOFFSET']);
  for (const [clause, node] of [
    ['SELECT', query.select],
    ['WHERE', query.where],
  ] as const) {
    const used = node === undefined ? new Set<string>() : mentioned(node, pseudo);
    if (used.size > 0) {
      const names = [...used].map((n) => `\`${n}\``).join(', ');
      throw new KsqlError(
        `Pull queries don't support the following columns in ${clause} clauses: ${names}${SYNTAX_HELP}`,
      );
    }
  }
}

/** The persistent query whose store holds `source` (ksqlDB's PullQueryExecutionUtil). */
function materializingQuery(ctx: EngineContext, source: DataSource): RegisteredQuery {
  const writers = [...ctx.queries.values()].filter((q) => q.sinkName === source.name && q.createAs);
  const query = writers[0];
  if (!query?.pullStore) {
    throw new KsqlError(
      `The \`${source.name}\` table isn't queryable. To derive a queryable table, you can do 'CREATE TABLE QUERYABLE_${source.name} AS SELECT * FROM ${source.name}'.${SYNTAX_HELP}`,
    );
  }
  return query;
}

/**
 * The row expressions compile against: the table's value columns, its key columns, ROWTIME and,
 * for windowed tables, WINDOWSTART and WINDOWEND.
 */
function rowColumns(source: DataSource, windowed: boolean): Column[] {
  const pseudo = (name: string): Column => ({ name, type: SqlTypes.BIGINT, namespace: 'VALUE' });
  return [
    ...source.schema.value,
    ...source.schema.key.map((c) => ({ ...c, namespace: 'VALUE' as const })),
    pseudo('ROWTIME'),
    ...(windowed ? [pseudo('WINDOWSTART'), pseudo('WINDOWEND')] : []),
  ];
}

interface OutputColumn {
  readonly column: Column;
  readonly compiled: CompiledExpression;
}

/**
 * SELECT of a pull query: `*` is the key columns (then WINDOWSTART, WINDOWEND for a windowed
 * table) and the value columns; other items are named by their alias, the column they name, or
 * KSQL_COL_<n> (n counting the generated names only, as ksqlDB's AstSanitizer).
 */
function projection(
  query: Query,
  source: DataSource,
  columns: readonly Column[],
  ctx: EngineContext,
  windowed: boolean,
): { schema: LogicalSchema; values: CompiledExpression[]; keyColumnNames: Set<string> } {
  const sourceKeys = new Set(source.schema.key.map((c) => c.name));
  if (windowed) for (const n of ['WINDOWSTART', 'WINDOWEND']) sourceKeys.add(n);
  const keyColumnNames = new Set<string>();
  const scope = createColumnScope(columns, { aliases: [query.from.alias ?? query.from.name] });
  const at = (name: string): CompiledExpression => {
    const index = columns.findIndex((c) => c.name === name);
    const type = (columns[index] as Column).type;
    return { type, evaluate: (row) => row[index] ?? null };
  };
  const key: OutputColumn[] = [];
  const value: OutputColumn[] = [];
  const singles = query.select.filter((item) => item.kind === 'SingleColumn');
  const aliases = selectAliases(
    singles,
    columns.map((c) => c.name),
  );
  query.select.forEach((item) => {
    if (item.kind === 'AllColumns') {
      for (const c of source.schema.key) key.push({ column: c, compiled: at(c.name) });
      for (const n of sourceKeys) keyColumnNames.add(n);
      if (windowed) {
        for (const n of ['WINDOWSTART', 'WINDOWEND']) {
          key.push({ column: { name: n, type: SqlTypes.BIGINT, namespace: 'KEY' }, compiled: at(n) });
        }
      }
      for (const c of source.schema.value) value.push({ column: c, compiled: at(c.name) });
      return;
    }
    if (item.kind === 'StructAll') throw new UnsupportedFeatureError('struct->* in pull queries', item.pos);
    const compiled = compileIn('SELECT', item.expression, scope, ctx.functions);
    const name = aliases[singles.indexOf(item)] as string;
    if (item.expression.kind === 'ColumnRef' && sourceKeys.has(item.expression.name))
      keyColumnNames.add(name);
    value.push({ column: { name, type: compiled.type, namespace: 'VALUE' }, compiled });
  });
  const all = [...key, ...value];
  const seen = new Set<string>();
  for (const o of all) {
    if (seen.has(o.column.name))
      throw new KsqlError(
        `Duplicate value columns found in schema: \`${o.column.name}\` ${formatSqlType(o.column.type)}`,
      );
    seen.add(o.column.name);
  }
  return {
    schema: new LogicalSchema(
      key.map((o) => o.column),
      value.map((o) => o.column),
    ),
    values: all.map((o) => o.compiled),
    keyColumnNames,
  };
}

/** Conjuncts of a WHERE (`a AND b AND c` → [a, b, c]). */
function conjuncts(e: Expression): Expression[] {
  return e.kind === 'And' ? [...conjuncts(e.left), ...conjuncts(e.right)] : [e];
}

const INTEGRAL = new Set(['INTEGER', 'BIGINT']);

/** Whether a constant of type `t` may be looked up directly in a key column of type `keyType`. */
function lookupCompatible(t: SqlType, keyType: SqlType): boolean {
  if (t.base === keyType.base)
    return t.base !== 'DECIMAL' && t.base !== 'STRUCT' && t.base !== 'ARRAY' && t.base !== 'MAP';
  return INTEGRAL.has(t.base) && INTEGRAL.has(keyType.base);
}

/**
 * The keys a WHERE pins when it has `<key> = constant` or `<key> IN (constants)` among its
 * conjuncts (single-column keys): a lookup per key; undefined → a table scan. The whole WHERE is
 * still applied to what the lookups return, so this only narrows the read.
 */
function pinnedKeys(
  where: Expression | undefined,
  source: DataSource,
  ctx: EngineContext,
): GenericKey[] | undefined {
  if (!where || source.schema.key.length !== 1) return undefined;
  const keyCol = source.schema.key[0] as Column;
  const noColumns = createColumnScope([]);
  const constant = (e: Expression): { ok: boolean; value: unknown } => {
    try {
      const c = compileIn('WHERE', e, noColumns, ctx.functions);
      if (!lookupCompatible(c.type, keyCol.type)) return { ok: false, value: null };
      return { ok: true, value: c.evaluate([]) };
    } catch {
      return { ok: false, value: null }; // not a constant (it names a column): no lookup
    }
  };
  const isKey = (e: Expression): boolean => e.kind === 'ColumnRef' && e.name === keyCol.name;
  for (const c of conjuncts(where)) {
    if (c.kind === 'Comparison' && c.op === '=') {
      const other = isKey(c.left) ? c.right : isKey(c.right) ? c.left : undefined;
      if (!other) continue;
      const k = constant(other);
      if (k.ok) return k.value === null ? [] : [[k.value]];
    }
    if (c.kind === 'InList' && !c.not && isKey(c.value)) {
      checkInListKeys(
        c.list,
        c.list.map((e) => constantType(e, ctx)),
        keyCol,
      );
      const ks = c.list.map(constant);
      if (ks.every((k) => k.ok)) return ks.filter((k) => k.value !== null).map((k) => [k.value]);
    }
  }
  return undefined;
}

/** The value of an integral constant expression; undefined when it names a column or is no integer. */
function integerConstant(e: Expression, ctx: EngineContext): number | undefined {
  try {
    const c = compileIn('WHERE', e, createColumnScope([]), ctx.functions);
    if (!INTEGRAL.has(c.type.base)) return undefined;
    const v = c.evaluate([]);
    return typeof v === 'number' ? v : undefined;
  } catch {
    return undefined; // it names a column: not a constant
  }
}

/** The base type of an expression that names no column; undefined when it names one. */
function constantType(e: Expression, ctx: EngineContext): string | undefined {
  try {
    return compileIn('WHERE', e, createColumnScope([]), ctx.functions).type.base;
  } catch {
    return undefined; // it names a column: not a constant
  }
}

function missingWhere(message: string): KsqlError {
  return new KsqlError(
    `${message}.${SYNTAX_HELP}\nPull queries require a WHERE clause that:\n - includes a key equality expression, e.g. \`SELECT * FROM X WHERE <key-column> = Y;\`.\n - in the case of a multi-column key, is a conjunction of equality expressions that cover all key columns.\nIf more flexible queries are needed, , table scans can be enabled by setting ksql.query.pull.table.scan.enabled=true.`,
  );
}

/** Plans a pull query against a table a persistent query materializes. */
export function planPullQuery(
  ctx: EngineContext,
  query: Query,
  props: Readonly<Record<string, string>>,
): PullQueryPlan {
  const source = ctx.metastore.get(query.from.name);
  if (!source) {
    // ksqlDB's DataSourceExtractor names no position.
    throw new KsqlError(`${query.from.name} does not exist.`);
  }
  if (source.type === 'STREAM') {
    throw new UnsupportedFeatureError('Pull queries on streams', query.pos);
  }
  validatePullQuery(query);
  refuseTablePseudoColumns(query);
  const windowed = source.window !== undefined;
  const columns = rowColumns(source, windowed);
  const scope = createColumnScope(columns, { aliases: [query.from.alias ?? query.from.name] });
  const where = query.where && compilePredicate('WHERE', query.where, scope, ctx.functions);
  const { schema, values, keyColumnNames } = projection(query, source, columns, ctx, windowed);
  // As ksqlDB, the statement is analysed (WHERE, SELECT) before its materialization is looked for.
  const materializer = materializingQuery(ctx, source);
  // A pinned key is a lookup: a get, or on a windowed table a key-range read of its windows
  // within the WHERE's WINDOWSTART bounds. The whole WHERE is applied to what either returns.
  const pinned = pinnedKeys(query.where, source, ctx);
  const keys = pinned;
  const windowStarts = windowed ? windowStartBounds(query.where, (e) => integerConstant(e, ctx)) : undefined;
  const scans = (props['ksql.query.pull.table.scan.enabled'] ?? 'true').toLowerCase() !== 'false';
  if (!scans) {
    // Without scans the WHERE must be a key lookup as ksqlDB plans one, even where a pinned key
    // was found among other conditions on the key (`ID = 1 AND ID IN (…)`).
    const rangeSetting = props['ksql.query.pull.range.scan.enabled']?.toLowerCase();
    const precise =
      query.where &&
      keyConstraintError(
        query.where,
        source.schema.key,
        (e) => constantType(e, ctx) !== undefined,
        rangeSetting === undefined ? undefined : rangeSetting !== 'false',
      );
    if (precise instanceof KsqlError) throw precise;
    if (!pinned && precise !== 'range scan')
      throw missingWhere(query.where ? 'WHERE clause missing key column' : 'Missing WHERE clause');
  }
  const limit = query.limit;
  const storeName = materializer.pullStore as string;
  const nValue = source.schema.value.length;
  const nKey = source.schema.key.length;
  const width = columns.length;

  // One evaluation row, refilled per stored entry (plan-time layout, no lookups by name).
  const toRow = (
    key: GenericKey | Windowed<GenericKey>,
    stored: ValueAndTimestamp<GenericRow>,
  ): GenericRow => {
    const row = new Array<unknown>(width);
    const v = stored.value;
    for (let i = 0; i < nValue; i++) row[i] = v[i] ?? null;
    const w = windowed ? (key as Windowed<GenericKey>) : undefined;
    const k = w ? w.key : (key as GenericKey);
    for (let i = 0; i < nKey; i++) row[nValue + i] = k[i] ?? null;
    row[nValue + nKey] = stored.timestamp;
    if (w) {
      row[nValue + nKey + 1] = w.window.start;
      row[nValue + nKey + 2] = w.window.end;
    }
    return row;
  };

  return {
    kind: 'pull',
    queryId: materializer.id,
    applicationId: materializer.applicationId,
    storeName,
    sourceName: source.name,
    schema,
    keyColumnNames,
    windowed,
    keys,
    windowStarts,
    limit,
    execute(store) {
      const out: unknown[][] = [];
      const max = limit ?? Number.POSITIVE_INFINITY;
      const emit = (
        key: GenericKey | Windowed<GenericKey>,
        stored: ValueAndTimestamp<GenericRow> | undefined,
      ): boolean => {
        if (!stored || stored.value === null || stored.value === undefined) return out.length < max;
        const row = toRow(key, stored);
        if (where && where.evaluate(row) !== true) return out.length < max;
        out.push(values.map((c) => c.evaluate(row)));
        return out.length < max;
      };
      if (max <= 0) return out;
      /** Emits what `it` holds; false when LIMIT is reached. */
      const drain = (
        it: KeyValueIterator<GenericKey | Windowed<GenericKey>, ValueAndTimestamp<GenericRow>>,
      ): boolean => {
        try {
          for (let next = it.next(); !next.done; next = it.next())
            if (!emit(next.value.key, next.value.value)) return false;
          return true;
        } finally {
          it.close();
        }
      };
      if (keys && windowStarts) {
        if (windowStarts.from > windowStarts.to) return out;
        for (const k of keys) {
          const { from, to } = windowedKeyRange(k, windowStarts.from, windowStarts.to);
          if (!drain(store.range(from, to))) break;
        }
        return out;
      }
      if (keys) {
        for (const k of keys) if (!emit(k, store.get(k))) break;
        return out;
      }
      drain(store.all());
      return out;
    },
  };
}

/** Runs a pull query against a TopologyTestDriver (or anything with `getStateStore`) running its query. */
export function executePullQuery(
  plan: PullQueryPlan,
  driver: { getStateStore(name: string): unknown },
): unknown[][] {
  const store = driver.getStateStore(plan.storeName) as PullStore | undefined;
  if (!store) {
    throw new KsqlError(`Materializing query ${plan.queryId} has no store ${plan.storeName}: is it running?`);
  }
  return plan.execute(store);
}

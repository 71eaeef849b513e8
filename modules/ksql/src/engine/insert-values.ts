import { KsqlError, UnsupportedFeatureError } from '../errors.js';
import type { ColumnScope } from '../expr/compiled.js';
import { compileExpression } from '../expr/compile.js';
import type { Expression, StatementOf } from '../parser/ast.js';
import { formatExpression } from '../plan/expression-text.js';
import { formatSqlType, type SqlType, sqlTypeEquals } from '../types/sql-type.js';
import { Decimal } from '../values/decimal.js';
import { jsonToValue } from '../format/json-values.js';
import type { DataSource } from './data-source.js';
import type { StatementResult } from './engine-api.js';
import type { EngineContext } from './engine-context.js';

const NO_COLUMNS: ColumnScope = { resolve: () => undefined };

/**
 * INSERT INTO <source> [(columns)] VALUES (…) (ksqlDB's InsertValuesExecutor): each value is a
 * constant expression coerced to its column's type; the row is serialized with the target's key
 * and value formats and written through the host's RecordWriter. ROWTIME sets the record's
 * timestamp (default: the engine clock); ROWPARTITION and ROWOFFSET are refused, as by ksqlDB.
 */
export async function executeInsertValues(
  ctx: EngineContext,
  stmt: StatementOf<'InsertValues'>,
): Promise<StatementResult> {
  const target = ctx.metastore.get(stmt.target);
  if (!target)
    throw new KsqlError(
      `Cannot insert values into an unknown stream/table: \`${stmt.target}\`${caseHint(ctx, stmt.target)}`,
    );
  if (target.isSource) {
    throw new KsqlError(`Cannot insert values into read-only ${target.type.toLowerCase()}: ${target.name}`);
  }
  if (target.window) throw new UnsupportedFeatureError('INSERT VALUES into a windowed source', stmt.pos);
  const schema = target.schema;
  const names = stmt.columns ?? schema.columns().map((c) => c.name);
  if (stmt.columns && names.length !== stmt.values.length) {
    throw new KsqlError(
      `Expected number columns and values to match: ${names.length}, ${stmt.values.length}`,
      undefined,
      { wrapper: 'Failed to prepare statement: ' },
    );
  }
  if (names.length !== stmt.values.length) {
    throw new KsqlError(
      `Expected a value for each column. Expected Columns: [${names.join(', ')}]. Got [${stmt.values.map((v) => formatExpression(v)).join(', ')}]`,
    );
  }
  const key = new Array<unknown>(schema.key.length).fill(null);
  const value = new Array<unknown>(schema.value.length).fill(null);
  let timestamp: number | undefined;
  names.forEach((name, i) => {
    const expr = stmt.values[i];
    if (name === 'ROWTIME') {
      const v = evaluateAs(ctx, expr, { base: 'BIGINT' }, name);
      if (v !== null) timestamp = v as number;
      return;
    }
    if (name === 'ROWPARTITION' || name === 'ROWOFFSET') {
      throw new KsqlError(`Inserting into column \`${name}\` is not allowed.`);
    }
    const ki = schema.key.findIndex((c) => c.name === name);
    if (ki >= 0) {
      key[ki] = evaluateAs(ctx, expr, schema.key[ki].type, name);
      return;
    }
    const vi = schema.value.findIndex((c) => c.name === name);
    if (vi < 0) throw new KsqlError(`Column name ${name} does not exist.`, expr.pos);
    value[vi] = evaluateAs(ctx, expr, schema.value[vi].type, name);
  });

  await writeRow(ctx, target, key, value, timestamp);
  return { kind: 'RowsInserted', statementText: stmt.text };
}

/**
 * Serializes one row (key and value columns in schema order, SQL values) with the target's
 * formats and writes it through the host's RecordWriter — shared by INSERT VALUES and the
 * server's inserts-stream (insertJsonRow).
 */
async function writeRow(
  ctx: EngineContext,
  target: DataSource,
  key: unknown[],
  value: unknown[],
  timestamp: number | undefined,
): Promise<void> {
  const r = await serializeRow(ctx, target, key, value, timestamp);
  await ctx.options.writer.write(r.topic, r.key, r.value, r.timestamp);
}

/** A row serialized for its target's topic, not yet written (the inserts-stream batches them). */
export interface SerializedRow {
  readonly topic: string;
  readonly key: Buffer | null;
  readonly value: Buffer | null;
  readonly timestamp: number;
}

async function serializeRow(
  ctx: EngineContext,
  target: DataSource,
  key: unknown[],
  value: unknown[],
  timestamp: number | undefined,
): Promise<SerializedRow> {
  const schema = target.schema;
  const keySerde = await ctx.formats.keySerde(target.keyFormat, schema.key, {
    topic: target.topic,
    registerSchema: true,
  });
  const valueSerde = await ctx.formats.valueSerde(target.valueFormat, schema.value, {
    topic: target.topic,
    wrapSingleValue: target.wrapSingleValue,
    registerSchema: true,
  });
  const keyBytes = key.length === 0 || key.every((k) => k === null) ? null : keySerde.serialize(key);
  let valueBytes: Buffer | null;
  try {
    valueBytes = valueSerde.serialize(value);
  } catch (err) {
    throw new KsqlError(`Failed to insert values into '${target.name}'. ${(err as Error).message}`);
  }
  return { topic: target.topic, key: keyBytes, value: valueBytes, timestamp: timestamp ?? ctx.clock() };
}

/**
 * One row of the server's inserts-stream (a JSON object keyed by column name, as ksqlDB's
 * /inserts-stream takes it) into a stream: names match exactly, else case-insensitively; values
 * are read as the column's JSON representation; ROWTIME sets the timestamp. Throws a KsqlError
 * naming the bad column.
 */
export async function insertJsonRow(
  ctx: EngineContext,
  targetName: string,
  row: Readonly<Record<string, unknown>>,
): Promise<void> {
  const r = await serializeJsonRow(ctx, targetName, row);
  await ctx.options.writer.write(r.topic, r.key, r.value, r.timestamp);
}

/** insertJsonRow's row, validated and serialized but not written (the caller writes it). */
export async function serializeJsonRow(
  ctx: EngineContext,
  targetName: string,
  row: Readonly<Record<string, unknown>>,
): Promise<SerializedRow> {
  const target = ctx.metastore.get(targetName);
  if (!target) throw new KsqlError(`Cannot insert values into an unknown stream: \`${targetName}\``);
  if (target.isSource) {
    throw new KsqlError(`Cannot insert values into read-only ${target.type.toLowerCase()}: ${target.name}`);
  }
  if (target.window) throw new KsqlError('Cannot insert values into a windowed source');
  const schema = target.schema;
  const fields = new Map(Object.entries(row));
  const upper = new Map([...fields].map(([k, v]) => [k.toUpperCase(), v]));
  const field = (name: string): unknown =>
    fields.has(name) ? fields.get(name) : upper.get(name.toUpperCase());
  const known = new Set(['ROWTIME', ...schema.columns().map((c) => c.name.toUpperCase())]);
  for (const name of fields.keys()) {
    if (!known.has(name.toUpperCase())) throw new KsqlError(`Column name ${name} does not exist.`);
  }
  const read = (c: { name: string; type: SqlType }): unknown => {
    const json = field(c.name);
    if (json === undefined || json === null) return null;
    try {
      return jsonToValue(c.type, json, c.name);
    } catch (err) {
      throw new KsqlError(`Failed to insert values into '${target.name}'. ${(err as Error).message}`);
    }
  };
  const key = schema.key.map(read);
  const value = schema.value.map(read);
  const rowtime = field('ROWTIME');
  if (rowtime !== undefined && rowtime !== null && typeof rowtime !== 'number') {
    throw new KsqlError(
      `Failed to insert values into '${target.name}'. ROWTIME must be a number, got ${JSON.stringify(rowtime)}`,
    );
  }
  return serializeRow(ctx, target, key, value, rowtime ?? undefined);
}

function evaluateAs(ctx: EngineContext, expr: Expression, type: SqlType, column: string): unknown {
  if (expr.kind === 'NullLiteral') return null;
  const compiled = compileExpression(expr, NO_COLUMNS, ctx.functions, { clause: 'VALUES' });
  const v = compiled.evaluate([]);
  if (v === null) return null;
  const coerced = coerce(v, compiled.type, type);
  if (coerced === undefined) {
    throw new KsqlError(
      `Expected type ${formatSqlType(type)} for field ${column} but got ${formatExpression(expr)}(${formatSqlType(compiled.type)})`,
      expr.pos,
    );
  }
  return coerced;
}

/** Literal coercions ksqlDB applies to INSERT VALUES; undefined when the types do not fit. */
function coerce(v: unknown, from: SqlType, to: SqlType): unknown {
  if (sqlTypeEquals(from, to)) return v;
  const numeric =
    from.base === 'INTEGER' || from.base === 'BIGINT' || from.base === 'DECIMAL' || from.base === 'DOUBLE';
  switch (to.base) {
    case 'BIGINT':
      return from.base === 'INTEGER' ? v : undefined;
    case 'DOUBLE':
      if (from.base === 'INTEGER' || from.base === 'BIGINT') return v;
      if (from.base === 'DECIMAL') return (v as Decimal).toNumber();
      return undefined;
    case 'DECIMAL': {
      if (!numeric) return undefined;
      const d = v instanceof Decimal ? v : Decimal.parse(String(v));
      return rescale(d, to.scale);
    }
    case 'TIMESTAMP':
      if (from.base === 'STRING') {
        const ms = Date.parse(/[zZ]|[+-]\d\d:?\d\d$/.test(v as string) ? (v as string) : `${v as string}Z`);
        return Number.isNaN(ms) ? undefined : ms;
      }
      return from.base === 'BIGINT' || from.base === 'INTEGER' ? v : undefined;
    case 'DATE':
      if (from.base === 'STRING') {
        const ms = Date.parse(`${v as string}T00:00:00Z`);
        return Number.isNaN(ms) ? undefined : Math.floor(ms / 86_400_000);
      }
      return undefined;
    case 'TIME':
      if (from.base === 'STRING') {
        const m = /^(\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,3}))?)?$/.exec(v as string);
        if (!m) return undefined;
        return (
          ((Number(m[1]) * 60 + Number(m[2])) * 60 + Number(m[3] ?? 0)) * 1000 +
          Number((m[4] ?? '0').padEnd(3, '0'))
        );
      }
      return undefined;
    case 'ARRAY':
    case 'MAP':
    case 'STRUCT':
      return from.base === to.base ? v : undefined;
    default:
      return undefined;
  }
}

function rescale(d: Decimal, scale: number): Decimal {
  if (d.scale === scale) return d;
  if (d.scale < scale) return new Decimal(d.unscaled * 10n ** BigInt(scale - d.scale), scale);
  // HALF_UP, as BigDecimal.setScale with ksqlDB's rounding for literals.
  const div = 10n ** BigInt(d.scale - scale);
  const q = d.unscaled / div;
  const r = d.unscaled % div;
  const twice = (r < 0n ? -r : r) * 2n;
  const bump = twice >= div ? (d.unscaled < 0n ? -1n : 1n) : 0n;
  return new Decimal(q + bump, scale);
}

/** ksqlDB's hint when a source exists under the other case (a quoting mistake). */
function caseHint(ctx: EngineContext, name: string): string {
  const other = ctx.metastore.all().find((s) => s.name.toUpperCase() === name.toUpperCase());
  if (!other) return '';
  return other.name === name.toUpperCase()
    ? `\nDid you mean ${other.name}? Hint: try removing double quotes from the source name.`
    : `\nDid you mean "${other.name}"? Hint: wrap the source name in double quotes to make it case-sensitive.`;
}

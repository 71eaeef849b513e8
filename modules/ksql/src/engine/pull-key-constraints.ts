import { KsqlError } from '../errors.js';
import { formatExpression } from '../expr/format-expression.js';
import type { Expression } from '../parser/ast.js';
import type { Column } from '../schema/logical-schema.js';
import { formatSqlType } from '../types/sql-type.js';

const RANGE_OPS = new Set(['<', '<=', '>', '>=']);

/**
 * Why a pull query's WHERE cannot be a key lookup, in ksqlDB's words (its WhereInfo and
 * KeyConstraint analysis) — what it answers when table scans are disabled. `isConstant` tells an
 * expression that names no column. Undefined: nothing more precise than "missing key column".
 * `rangeScans`: ksql.query.pull.range.scan.enabled when set — a range on the key is then a range
 * scan ('range scan': allowed) or refused as needing a table scan.
 */
export function keyConstraintError(
  where: Expression,
  keyColumns: readonly Column[],
  isConstant: (e: Expression) => boolean,
  rangeScans?: boolean,
): KsqlError | 'range scan' | undefined {
  const keyNames = new Set(keyColumns.map((c) => c.name));
  const isKey = (e: Expression) => e.kind === 'ColumnRef' && keyNames.has(e.name);
  const conjuncts = flatten(where);
  const onKey = conjuncts.filter((c) => mentionsAny(c, keyNames));
  if (onKey.length === 0) {
    return new KsqlError(`WHERE clause missing key column for disjunct: ${formatExpression(where)}`);
  }
  const pinned = new Set<string>();
  let nonEquality = false;
  let rangesOnly = true;
  for (const c of onKey) {
    if (c.kind === 'Comparison') {
      const other = isKey(c.left) ? c.right : isKey(c.right) ? c.left : undefined;
      if (!other) return new KsqlError('A comparison must directly reference a key column.');
      if (!isConstant(other)) {
        return new KsqlError('A comparison must be between a key column and a resolvable expression.');
      }
      if (c.op === '=') pinned.add(keyName(c));
      else {
        nonEquality = true;
        if (!RANGE_OPS.has(c.op)) rangesOnly = false;
      }
    } else if (c.kind === 'InList' && isKey(c.value)) {
      if (!c.list.every(isConstant)) {
        return new KsqlError('A comparison must be between a key column and a resolvable expression.');
      }
      if (c.value.kind === 'ColumnRef') pinned.add(c.value.name);
    } else {
      return undefined;
    }
  }
  const perColumn = new Map<string, number>();
  for (const c of onKey)
    for (const n of mentioned(c, keyNames)) perColumn.set(n, (perColumn.get(n) ?? 0) + 1);
  if ([...perColumn.values()].some((n) => n > 1)) {
    return new KsqlError(
      'A comparison condition on the key column cannot be combined with other comparisons such as an IN predicate',
    );
  }
  if (nonEquality && rangesOnly && rangeScans !== undefined) {
    // ksql.query.pull.range.scan.enabled set: a range on the key is read by a (range) scan.
    return rangeScans ? 'range scan' : new KsqlError('Query requires table scan to be enabled');
  }
  if (nonEquality) {
    const cols = keyColumns.map((c) => `\`${c.name}\` ${formatSqlType(c.type)} KEY`).join(', ');
    return new KsqlError(`Bound on key columns '[${cols}]' must currently be '='. `);
  }
  if (keyColumns.length > 1 && keyColumns.some((c) => !pinned.has(c.name))) {
    return new KsqlError('Multi-column sources must specify every key in the WHERE clause');
  }
  return undefined;
}

/** The key column a comparison with one constant side names. */
function keyName(c: Extract<Expression, { kind: 'Comparison' }>): string {
  const side = c.left.kind === 'ColumnRef' ? c.left : c.right;
  return side.kind === 'ColumnRef' ? side.name : '';
}

function flatten(e: Expression): Expression[] {
  return e.kind === 'And' ? [...flatten(e.left), ...flatten(e.right)] : [e];
}

function mentionsAny(e: Expression, names: ReadonlySet<string>): boolean {
  return mentioned(e, names).size > 0;
}

/** The names among `names` that column references inside `e` (an expression, or SELECT items) use. */
export function mentioned(e: Expression | readonly unknown[], names: ReadonlySet<string>): Set<string> {
  const out = new Set<string>();
  const walk = (node: unknown): void => {
    if (Array.isArray(node)) {
      for (const n of node) walk(n);
      return;
    }
    if (node === null || typeof node !== 'object') return;
    const n = node as { kind?: unknown; name?: unknown };
    if (n.kind === 'ColumnRef' && typeof n.name === 'string' && names.has(n.name)) out.add(n.name);
    for (const v of Object.values(node)) if (typeof v === 'object') walk(v);
  };
  walk(e);
  return out;
}

/**
 * ksqlDB's checks of an `IN` list on the key: a NULL can be no key, and a value is converted to
 * the key's type only between numbers (a string is never a number key, nor a number a string key).
 */
export function checkInListKeys(
  list: readonly Expression[],
  types: readonly (string | undefined)[],
  keyColumn: Column,
): void {
  const keyIsString = keyColumn.type.base === 'STRING';
  list.forEach((e, i) => {
    if (e.kind === 'NullLiteral') {
      throw new KsqlError(`Primary key columns can not be NULL: (${keyColumn.name} = null)`);
    }
    const t = types[i];
    if (t !== undefined && (t === 'STRING') !== keyIsString) {
      throw new KsqlError(
        `${formatExpression(e)} can not be converted to the type of the key column: ${keyColumn.name} ${formatSqlType(keyColumn.type)} KEY`,
      );
    }
  });
}

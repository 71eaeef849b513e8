import type { Expression, SelectItem } from '../parser/ast.js';
import type { SideColumns } from './join-columns.js';
import type { JoinCriteria } from './join-criteria.js';
import type { JoinKeyInfo } from './planned-stream.js';

/**
 * The result key of a join and what it is equivalent to (ksqlDB's JoinTree.joinEquivalenceSet,
 * viableKeyColumns and LogicalPlanner.buildJoinKey):
 * - FULL OUTER: nothing (either side may be null), so the key is a synthetic `ROWKEY`;
 * - otherwise both ON operands, plus an earlier join's set when its operand is in it; the key
 *   column is named after the first viable source column (`<ALIAS>_<COL>`) the projection selects,
 *   else the first viable one; with none (both operands expressions) it is synthetic.
 */
export function joinKeyInfo(
  criteria: JoinCriteria,
  full: boolean,
  leftPrevious: JoinKeyInfo | undefined,
): JoinKeyInfo {
  if (full) return { equivalents: [], viable: [] };
  const { left, right } = criteria;
  const equivalents = new Set([left.canonical, right.canonical]);
  // An earlier join's equivalents carry over when this join's left operand is one of them.
  const carried = leftPrevious?.equivalents.includes(left.canonical) ? leftPrevious : undefined;
  if (carried) for (const e of carried.equivalents) equivalents.add(e);
  const viable: { alias: string; column: string }[] = [];
  const add = (c: { alias: string; column: string }) => {
    if (!viable.some((v) => v.alias === c.alias && v.column === c.column)) viable.push(c);
  };
  if (carried) for (const v of carried.viable) add(v);
  if (left.column) add({ alias: left.column.owner, column: left.column.column });
  if (right.column) add({ alias: right.column.owner, column: right.column.column });
  return { equivalents: [...equivalents], viable };
}

/** Whether the projection selects `alias.column` (qualified, or bare and unambiguous) or `alias.*` / `*`. */
function selects(
  select: readonly SelectItem[],
  alias: string,
  column: string,
  owners: (col: string) => number,
): boolean {
  return select.some((item) => {
    // ksqlDB's Projection.containsExpression: `*` and `alias.*` select every column of the source.
    if (item.kind === 'AllColumns') return item.qualifier === undefined || item.qualifier === alias;
    if (item.kind !== 'SingleColumn') return false;
    const e: Expression = item.expression;
    if (e.kind !== 'ColumnRef' || e.name !== column) return false;
    return e.qualifier === alias || (e.qualifier === undefined && owners(column) === 1);
  });
}

export function keyColumnName(
  info: JoinKeyInfo,
  select: readonly SelectItem[] | undefined,
  left: SideColumns,
  right: SideColumns,
): string {
  if (info.viable.length === 0) return syntheticKeyName([left, right]);
  const owners = (col: string) =>
    new Set([...left.columns, ...right.columns].filter((c) => c.column === col).map((c) => c.owner)).size;
  const chosen =
    (select && info.viable.find((v) => selects(select, v.alias, v.column, owners))) ?? info.viable[0];
  return `${chosen.alias}_${chosen.column}`;
}

/**
 * ksqlDB's ColumnNames.generateSyntheticJoinKey: `ROWKEY`, or `ROWKEY_<n>` with the smallest n no
 * source column already uses (`ROWKEY` counts as n = 0).
 */
export function syntheticKeyName(sides: readonly SideColumns[]): string {
  const used = new Set<number>();
  for (const side of sides) {
    for (const c of side.columns) {
      const m = /^(.*?)(?:_(\d+))?$/.exec(c.column);
      if (m && m[1] === 'ROWKEY') used.add(m[2] === undefined ? 0 : Number(m[2]));
    }
  }
  let n = 0;
  while (used.has(n)) n++;
  return n === 0 ? 'ROWKEY' : `ROWKEY_${n}`;
}

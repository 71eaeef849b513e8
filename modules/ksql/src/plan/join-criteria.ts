import { KsqlError } from '../errors.js';
import type { ColumnRef, Expression, JoinClause } from '../parser/ast.js';
import { formatSqlType } from '../types/sql-type.js';
import { type SideColumn, type SideColumns, resolveAcross } from './join-columns.js';

/** One side's ON operand, with every column it references resolved on that side. */
export interface JoinOperand {
  readonly expression: Expression;
  /** Set when the operand is a plain column reference. */
  readonly column?: SideColumn;
  /** Resolved references, in order of appearance (for compiling the operand against the side's row). */
  readonly refs: ReadonlyMap<ColumnRef, SideColumn>;
  /** Canonical text: equal operands (written differently, e.g. `id` and `S.ID`) compare equal. */
  readonly canonical: string;
  /** How ksqlDB prints it in messages (`S.ID`, `ABS(R.A)`). */
  readonly text: string;
}

export interface JoinCriteria {
  readonly left: JoinOperand;
  readonly right: JoinOperand;
  /** True when the ON expression was written right-side first (`T.ID = S.ID` for S JOIN T). */
  readonly flipped: boolean;
}

/** Every ColumnRef in an expression (lambda parameters aside), in order of appearance. */
export function columnRefs(expr: Expression, lambdaParams: ReadonlySet<string> = new Set()): ColumnRef[] {
  const out: ColumnRef[] = [];
  const visit = (node: unknown, params: ReadonlySet<string>): void => {
    if (Array.isArray(node)) {
      for (const n of node) visit(n, params);
      return;
    }
    if (node === null || typeof node !== 'object') return;
    const e = node as Expression;
    if (e.kind === 'ColumnRef') {
      if (e.qualifier !== undefined || !params.has(e.name)) out.push(e);
      return;
    }
    if (e.kind === 'Lambda') {
      visit(e.body, new Set([...params, ...e.params]));
      return;
    }
    for (const [k, v] of Object.entries(e)) if (k !== 'pos') visit(v, params);
  };
  visit(expr, lambdaParams);
  return out;
}

/**
 * Formats an expression as ksqlDB prints it in join messages. Column references come out
 * qualified by their source, as ksqlDB's analyzer has qualified them by then.
 */
export function formatJoinExpression(
  expr: Expression,
  qualify: (ref: ColumnRef) => string | undefined,
): string {
  const f = (e: Expression): string => formatJoinExpression(e, qualify);
  switch (expr.kind) {
    case 'ColumnRef': {
      const owner = qualify(expr) ?? expr.qualifier;
      return owner ? `${owner}.${expr.name}` : expr.name;
    }
    case 'NullLiteral':
      return 'null';
    case 'BooleanLiteral':
      return expr.value ? 'true' : 'false';
    case 'IntegerLiteral':
    case 'DoubleLiteral':
      return String(expr.value);
    case 'DecimalLiteral':
      return expr.text;
    case 'StringLiteral':
      return `'${expr.value.replaceAll("'", "''")}'`;
    case 'Dereference':
      return `${f(expr.base)}->${expr.field}`;
    case 'Subscript':
      return `${f(expr.base)}[${f(expr.index)}]`;
    case 'Arithmetic':
      return `(${f(expr.left)} ${expr.op} ${f(expr.right)})`;
    case 'Concat':
      return `(${f(expr.left)} || ${f(expr.right)})`;
    case 'Comparison':
      return `(${f(expr.left)} ${expr.op} ${f(expr.right)})`;
    case 'And':
      return `(${f(expr.left)} AND ${f(expr.right)})`;
    case 'Or':
      return `(${f(expr.left)} OR ${f(expr.right)})`;
    case 'Not':
      return `(NOT ${f(expr.operand)})`;
    case 'Negate':
      return `${expr.sign}${f(expr.operand)}`;
    case 'Cast':
      return `CAST(${f(expr.expression)} AS ${formatSqlType(expr.type)})`;
    case 'FunctionCall':
      return `${expr.name}(${expr.star ? '*' : expr.args.map(f).join(', ')})`;
    default:
      return expr.kind;
  }
}

function canonical(expr: Expression, owners: ReadonlyMap<ColumnRef, SideColumn>): string {
  return JSON.stringify(expr, function (this: unknown, key, value: unknown) {
    if (key === 'pos') return undefined;
    if (value !== null && typeof value === 'object' && (value as Expression).kind === 'ColumnRef') {
      const c = owners.get(value as ColumnRef);
      if (c) return `${c.owner}.${c.column}`;
    }
    return value;
  });
}

/**
 * Analyses `ON a = b` (ksqlDB's Analyzer.visitJoinedSource): a single equality whose operands each
 * reference columns of exactly one side — the earlier sources on one, the joined source on the
 * other — in either order.
 */
export function analyseCriteria(
  join: JoinClause,
  left: SideColumns,
  right: SideColumns,
  rightAlias: string,
): JoinCriteria {
  const on = join.on;
  const owners = new Map<ColumnRef, SideColumn>();
  const sideOf = new Map<ColumnRef, 'left' | 'right'>();
  const qualify = (ref: ColumnRef) => owners.get(ref)?.owner;
  if (on.kind !== 'Comparison') {
    if (on.kind === 'And' && isEquality(on.left) && isEquality(on.right)) {
      resolveAll(on, left, right, owners, sideOf);
      throw new KsqlError(
        `Invalid join condition: joins on multiple conditions are not yet supported. Got ${formatJoinExpression(on, qualify)}.`,
        on.pos,
      );
    }
    throw new KsqlError(`Unsupported join expression: ${formatJoinExpression(on, qualify)}`, on.pos);
  }
  if (on.op !== '=') throw new KsqlError('Only equality join criteria is supported.', on.pos);
  resolveAll(on, left, right, owners, sideOf);

  const operandSource = (operand: Expression): { side: 'left' | 'right'; alias: string } => {
    const refs = columnRefs(operand);
    const aliases = new Set(refs.map((r) => owners.get(r)!.owner));
    if (aliases.size !== 1) {
      const text = formatJoinExpression(operand, qualify);
      throw new KsqlError(
        `Invalid comparison expression '${text}' in join '${formatJoinExpression(on, qualify)}'. ` +
          'Each side of the join comparision must contain references from exactly one source.',
        operand.pos ?? on.pos,
      );
    }
    return { side: sideOf.get(refs[0])!, alias: [...aliases][0] };
  };
  const a = operandSource(on.left);
  const b = operandSource(on.right);
  if (a.alias === b.alias || a.side === b.side) {
    if (a.alias !== rightAlias && b.alias !== rightAlias && a.alias !== b.alias) {
      throw new KsqlError(
        `A join criteria is expected to reference the source (\`${rightAlias}\`) in the FROM clause, ` +
          `instead the right source references \`${b.alias}\` and the left source references \`${a.alias}\``,
        on.pos,
      );
    }
    throw new KsqlError(
      'Each side of the join must reference exactly one source and not the same source. ' +
        `Left side references \`${a.alias}\` and right references \`${b.alias}\``,
      on.pos,
    );
  }
  const flipped = a.side === 'right';
  const [l, r] = flipped ? [on.right, on.left] : [on.left, on.right];
  return { left: operand(l, owners, qualify), right: operand(r, owners, qualify), flipped };
}

function isEquality(e: Expression): boolean {
  return e.kind === 'Comparison' && e.op === '=';
}

function resolveAll(
  on: Expression,
  left: SideColumns,
  right: SideColumns,
  owners: Map<ColumnRef, SideColumn>,
  sideOf: Map<ColumnRef, 'left' | 'right'>,
): void {
  for (const ref of columnRefs(on)) {
    const found = resolveAcross(left, right, ref);
    if (!found) {
      const name = ref.qualifier ? `${ref.qualifier}.${ref.name}` : ref.name;
      // ksqlDB reports it from its analyzer, which prints the location as `Line: L, Col: C:`.
      throw new KsqlError(`JOIN ON column '${name}' cannot be resolved.`, ref.pos, { locationStyle: 'node' });
    }
    owners.set(ref, found.column);
    sideOf.set(ref, found.side);
  }
}

function operand(
  expression: Expression,
  owners: ReadonlyMap<ColumnRef, SideColumn>,
  qualify: (ref: ColumnRef) => string | undefined,
): JoinOperand {
  const refs = new Map<ColumnRef, SideColumn>();
  for (const r of columnRefs(expression)) refs.set(r, owners.get(r)!);
  return {
    expression,
    column: expression.kind === 'ColumnRef' ? owners.get(expression) : undefined,
    refs,
    canonical: canonical(expression, owners),
    text: formatJoinExpression(expression, qualify),
  };
}

/**
 * ksqlDB's analyzer checks every join's ON clause before any join is planned; this is the part of
 * that check which needs no schema: an equality whose two operands name the same source (every
 * reference qualified by one known alias) is refused before an earlier join's planning errors.
 */
export function checkOperandSources(joins: readonly JoinClause[], aliases: ReadonlySet<string>): void {
  for (const join of joins) {
    const on = join.on;
    if (on.kind !== 'Comparison' || on.op !== '=') continue;
    const only = (e: Expression): string | undefined => {
      const qualifiers = new Set(columnRefs(e).map((r) => r.qualifier));
      const [q] = qualifiers;
      return qualifiers.size === 1 ? q : undefined;
    };
    const a = only(on.left);
    if (a !== undefined && aliases.has(a) && a === only(on.right)) {
      throw new KsqlError(
        'Each side of the join must reference exactly one source and not the same source. ' +
          `Left side references \`${a}\` and right references \`${a}\``,
        on.pos,
      );
    }
  }
}

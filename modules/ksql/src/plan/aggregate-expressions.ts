import type { Expression, Literal } from '../parser/ast.js';
import { formatSqlType } from '../types/sql-type.js';
import { Decimal } from '../values/decimal.js';

/**
 * Syntax-tree helpers the aggregation planner needs: rebuilding an expression with some subtrees
 * replaced, a canonical text to compare expressions by (GROUP BY matching, duplicate aggregate
 * calls) and ksqlDB-style text for messages.
 */

/** A copy of `e` whose direct children went through `f` (the node itself when none changed). */
export function mapChildren(e: Expression, f: (child: Expression) => Expression): Expression {
  switch (e.kind) {
    case 'Dereference':
      return { ...e, base: f(e.base) };
    case 'Subscript':
      return { ...e, base: f(e.base), index: f(e.index) };
    case 'Arithmetic':
    case 'Concat':
    case 'Comparison':
    case 'IsDistinctFrom':
    case 'And':
    case 'Or':
      return { ...e, left: f(e.left), right: f(e.right) };
    case 'Negate':
    case 'Not':
    case 'IsNull':
      return { ...e, operand: f(e.operand) };
    case 'Between':
      return { ...e, value: f(e.value), lower: f(e.lower), upper: f(e.upper) };
    case 'InList':
      return { ...e, value: f(e.value), list: e.list.map(f) };
    case 'Like':
      return { ...e, value: f(e.value), pattern: f(e.pattern) };
    case 'SearchedCase':
      return {
        ...e,
        // biome-ignore lint/suspicious/noThenProperty: the syntax tree's CASE branches are { when, then }
        whens: e.whens.map((w) => ({ when: f(w.when), then: f(w.then) })),
        else: e.else && f(e.else),
      };
    case 'SimpleCase':
      return {
        ...e,
        operand: f(e.operand),
        // biome-ignore lint/suspicious/noThenProperty: the syntax tree's CASE branches are { when, then }
        whens: e.whens.map((w) => ({ when: f(w.when), then: f(w.then) })),
        else: e.else && f(e.else),
      };
    case 'Cast':
      return { ...e, expression: f(e.expression) };
    case 'FunctionCall':
      return { ...e, args: e.args.map(f), lambdas: e.lambdas?.map(f) };
    case 'Lambda':
      return { ...e, body: f(e.body) };
    case 'ArrayConstructor':
      return { ...e, items: e.items.map(f) };
    case 'MapConstructor':
      return { ...e, entries: e.entries.map((x) => ({ key: f(x.key), value: f(x.value) })) };
    case 'StructConstructor':
      return { ...e, fields: e.fields.map((x) => ({ name: x.name, value: f(x.value) })) };
    default:
      return e;
  }
}

/** Every direct child of `e`. */
export function children(e: Expression): Expression[] {
  const out: Expression[] = [];
  mapChildren(e, (c) => {
    out.push(c);
    return c;
  });
  return out;
}

/**
 * Text of an expression as ksqlDB prints it in messages: `(A + B)`, `SUBSTRING(REGION, 7, 1)`,
 * `S->F`, `M['k']`. `columnName` renders column references (e.g. resolved, unqualified names).
 */
export function formatExpression(
  e: Expression,
  columnName: (ref: Extract<Expression, { kind: 'ColumnRef' }>) => string = defaultColumnName,
): string {
  const fmt = (x: Expression) => formatExpression(x, columnName);
  switch (e.kind) {
    case 'NullLiteral':
    case 'BooleanLiteral':
    case 'IntegerLiteral':
    case 'DecimalLiteral':
    case 'DoubleLiteral':
    case 'StringLiteral':
    case 'TypedLiteral':
      return formatLiteral(e);
    case 'ColumnRef':
      return columnName(e);
    case 'Dereference':
      return `${fmt(e.base)}->${e.field}`;
    case 'Subscript':
      return `${fmt(e.base)}[${fmt(e.index)}]`;
    case 'Arithmetic':
      return `(${fmt(e.left)} ${e.op} ${fmt(e.right)})`;
    case 'Concat':
      return `(${fmt(e.left)} || ${fmt(e.right)})`;
    case 'Comparison':
      return `(${fmt(e.left)} ${e.op} ${fmt(e.right)})`;
    case 'IsDistinctFrom':
      return `(${fmt(e.left)} IS ${e.not ? 'NOT ' : ''}DISTINCT FROM ${fmt(e.right)})`;
    case 'And':
      return `(${fmt(e.left)} AND ${fmt(e.right)})`;
    case 'Or':
      return `(${fmt(e.left)} OR ${fmt(e.right)})`;
    case 'Negate':
      return `${e.sign}${fmt(e.operand)}`;
    case 'Not':
      return `(NOT ${fmt(e.operand)})`;
    case 'IsNull':
      return `(${fmt(e.operand)} IS ${e.not ? 'NOT ' : ''}NULL)`;
    case 'Between':
      return `(${fmt(e.value)} ${e.not ? 'NOT ' : ''}BETWEEN ${fmt(e.lower)} AND ${fmt(e.upper)})`;
    case 'InList':
      return `(${fmt(e.value)} ${e.not ? 'NOT ' : ''}IN (${e.list.map(fmt).join(', ')}))`;
    case 'Like':
      return `(${fmt(e.value)} ${e.not ? 'NOT ' : ''}LIKE ${fmt(e.pattern)}${e.escape ? ` ESCAPE '${e.escape}'` : ''})`;
    case 'SearchedCase':
      return `(CASE ${e.whens.map((w) => `WHEN ${fmt(w.when)} THEN ${fmt(w.then)}`).join(' ')}${e.else ? ` ELSE ${fmt(e.else)}` : ''} END)`;
    case 'SimpleCase':
      return `(CASE ${fmt(e.operand)} ${e.whens.map((w) => `WHEN ${fmt(w.when)} THEN ${fmt(w.then)}`).join(' ')}${e.else ? ` ELSE ${fmt(e.else)}` : ''} END)`;
    case 'Cast':
      return `CAST(${fmt(e.expression)} AS ${formatSqlType(e.type)})`;
    case 'FunctionCall':
      return `${e.name}(${e.star ? '*' : [...e.args, ...(e.lambdas ?? [])].map(fmt).join(', ')})`;
    case 'IntervalUnit':
      return e.unit;
    case 'Lambda':
      return `(${e.params.join(', ')}) => ${fmt(e.body)}`;
    case 'ArrayConstructor':
      return `ARRAY[${e.items.map(fmt).join(', ')}]`;
    case 'MapConstructor':
      return `MAP(${e.entries.map((x) => `${fmt(x.key)}:=${fmt(x.value)}`).join(', ')})`;
    case 'StructConstructor':
      return `STRUCT(${e.fields.map((x) => `${x.name}:=${fmt(x.value)}`).join(', ')})`;
  }
}

function defaultColumnName(ref: Extract<Expression, { kind: 'ColumnRef' }>): string {
  return ref.qualifier ? `${ref.qualifier}.${ref.name}` : ref.name;
}

function formatLiteral(e: Literal): string {
  switch (e.kind) {
    case 'NullLiteral':
      return 'null';
    case 'BooleanLiteral':
      return e.value ? 'true' : 'false';
    case 'IntegerLiteral':
    case 'DoubleLiteral':
      return String(e.value);
    case 'DecimalLiteral':
      return e.text;
    case 'StringLiteral':
      return `'${e.value.replaceAll("'", "''")}'`;
    case 'TypedLiteral':
      return `${e.typeName} '${e.text}'`;
  }
}

/** The value of a literal argument (TOPK's k, LATEST_BY_OFFSET's flags), or undefined if not a literal. */
export function literalValue(e: Expression): { value: unknown } | undefined {
  switch (e.kind) {
    case 'NullLiteral':
      return { value: null };
    case 'BooleanLiteral':
    case 'IntegerLiteral':
    case 'DoubleLiteral':
    case 'StringLiteral':
      return { value: e.value };
    case 'DecimalLiteral':
      return { value: Decimal.parse(e.text) };
    case 'Negate': {
      const inner = literalValue(e.operand);
      if (!inner || e.sign === '+') return inner;
      if (typeof inner.value === 'number') return { value: -inner.value };
      if (inner.value instanceof Decimal)
        return { value: new Decimal(-inner.value.unscaled, inner.value.scale) };
      return undefined;
    }
    default:
      return undefined;
  }
}

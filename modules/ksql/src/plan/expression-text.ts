import type { ColumnRef, Expression } from '../parser/ast.js';
import { formatSqlType } from '../types/sql-type.js';

/**
 * Prints an expression as ksqlDB's ExpressionFormatter does in messages and plans: binary
 * operations parenthesized (`(F1 + F2)`), functions upper-case (`ABS(INPUT.ID)`), strings quoted.
 * `qualify` (when given) supplies a qualifier for unqualified column references — ksqlDB's
 * messages about partitioning expressions name the source (`INPUT.ID`).
 */
export function formatExpression(e: Expression, qualify?: (name: string) => string | undefined): string {
  const f = (x: Expression): string => formatExpression(x, qualify);
  switch (e.kind) {
    case 'NullLiteral':
      return 'null';
    case 'BooleanLiteral':
      return e.value ? 'true' : 'false';
    case 'IntegerLiteral':
      return String(e.value);
    case 'DecimalLiteral':
      return e.text;
    case 'DoubleLiteral':
      return String(e.value);
    case 'StringLiteral':
      return `'${e.value.replace(/'/g, "''")}'`;
    case 'TypedLiteral':
      return `${e.typeName} '${e.text}'`;
    case 'ColumnRef': {
      const q = e.qualifier ?? qualify?.(e.name);
      return q ? `${q}.${e.name}` : e.name;
    }
    case 'Dereference':
      return `${f(e.base)}->${e.field}`;
    case 'Subscript':
      return `${f(e.base)}[${f(e.index)}]`;
    case 'Arithmetic':
      return `(${f(e.left)} ${e.op} ${f(e.right)})`;
    case 'Negate':
      return `${e.sign}${f(e.operand)}`;
    case 'Concat':
      return `(${f(e.left)} || ${f(e.right)})`;
    case 'Comparison':
      return `(${f(e.left)} ${e.op} ${f(e.right)})`;
    case 'IsDistinctFrom':
      return `(${f(e.left)} IS ${e.not ? 'NOT ' : ''}DISTINCT FROM ${f(e.right)})`;
    case 'And':
      return `(${f(e.left)} AND ${f(e.right)})`;
    case 'Or':
      return `(${f(e.left)} OR ${f(e.right)})`;
    case 'Not':
      return `(NOT ${f(e.operand)})`;
    case 'IsNull':
      return `(${f(e.operand)} IS ${e.not ? 'NOT ' : ''}NULL)`;
    case 'Between':
      return `(${f(e.value)} ${e.not ? 'NOT ' : ''}BETWEEN ${f(e.lower)} AND ${f(e.upper)})`;
    case 'InList':
      return `(${f(e.value)} ${e.not ? 'NOT ' : ''}IN (${e.list.map(f).join(', ')}))`;
    case 'Like':
      return `(${f(e.value)} ${e.not ? 'NOT ' : ''}LIKE ${f(e.pattern)}${e.escape ? ` ESCAPE '${e.escape}'` : ''})`;
    case 'SearchedCase':
      return `(CASE ${e.whens.map((w) => `WHEN ${f(w.when)} THEN ${f(w.then)}`).join(' ')}${e.else ? ` ELSE ${f(e.else)}` : ''} END)`;
    case 'SimpleCase':
      return `(CASE ${f(e.operand)} ${e.whens.map((w) => `WHEN ${f(w.when)} THEN ${f(w.then)}`).join(' ')}${e.else ? ` ELSE ${f(e.else)}` : ''} END)`;
    case 'Cast':
      return `CAST(${f(e.expression)} AS ${formatSqlType(e.type)})`;
    case 'FunctionCall':
      if (e.star) return `${e.name}(*)`;
      return `${e.name}(${[...e.args, ...(e.lambdas ?? [])].map(f).join(', ')})`;
    case 'IntervalUnit':
      return e.unit;
    case 'Lambda':
      return `(${e.params.join(', ')}) => ${f(e.body)}`;
    case 'ArrayConstructor':
      return `ARRAY[${e.items.map(f).join(', ')}]`;
    case 'MapConstructor':
      return `MAP(${e.entries.map((x) => `${f(x.key)}:=${f(x.value)}`).join(', ')})`;
    case 'StructConstructor':
      return `STRUCT(${e.fields.map((x) => `${x.name}:=${f(x.value)}`).join(', ')})`;
  }
}

/**
 * Structural equality of two expressions, ignoring positions; column references compare by what
 * they resolve to (`ID`, `INPUT.ID` are the same column of a single-source query).
 */
export function sameExpression(a: Expression, b: Expression, columnKey: (ref: ColumnRef) => string): boolean {
  return expressionKey(a, columnKey) === expressionKey(b, columnKey);
}

export function expressionKey(e: Expression, columnKey: (ref: ColumnRef) => string): string {
  return JSON.stringify(e, (k, v: unknown) => {
    if (k === 'pos') return undefined;
    if (v && typeof v === 'object' && (v as { kind?: unknown }).kind === 'ColumnRef')
      return `col:${columnKey(v as ColumnRef)}`;
    return v;
  });
}

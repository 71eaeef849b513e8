import type { Expression } from '../parser/ast.js';
import { formatSqlType } from '../types/sql-type.js';
import { javaDoubleToString } from '../values/java-number.js';

/**
 * An expression as ksqlDB's ExpressionFormatter prints it in messages and generated names:
 * binary operations parenthesised `(A + B)`, strings quoted `'x'`, `CAST(X AS STRING)`,
 * `ARRAY[1, 2]`, `MAP('a':=1)`, `STRUCT(F0:=V)`, `S->F`, `A[1]`, `x => x + 1`.
 */
export function formatExpression(e: Expression): string {
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
      return javaDoubleToString(e.value);
    case 'StringLiteral':
      return `'${e.value.replace(/'/g, "''")}'`;
    case 'TypedLiteral':
      return `${e.typeName} '${e.text.replace(/'/g, "''")}'`;
    case 'ColumnRef':
      return e.qualifier ? `${e.qualifier}.${e.name}` : e.name;
    case 'Dereference':
      return `${formatExpression(e.base)}->${e.field}`;
    case 'Subscript':
      return `${formatExpression(e.base)}[${formatExpression(e.index)}]`;
    case 'Arithmetic':
      return `(${formatExpression(e.left)} ${e.op} ${formatExpression(e.right)})`;
    case 'Negate':
      return `${e.sign}${formatExpression(e.operand)}`;
    case 'Concat':
      return `(${formatExpression(e.left)} || ${formatExpression(e.right)})`;
    case 'Comparison':
      return `(${formatExpression(e.left)} ${e.op} ${formatExpression(e.right)})`;
    case 'IsDistinctFrom':
      return `(${formatExpression(e.left)} IS ${e.not ? 'NOT ' : ''}DISTINCT FROM ${formatExpression(e.right)})`;
    case 'And':
      return `(${formatExpression(e.left)} AND ${formatExpression(e.right)})`;
    case 'Or':
      return `(${formatExpression(e.left)} OR ${formatExpression(e.right)})`;
    case 'Not':
      return `(NOT ${formatExpression(e.operand)})`;
    case 'IsNull':
      return `(${formatExpression(e.operand)} IS ${e.not ? 'NOT ' : ''}NULL)`;
    case 'Between':
      return `(${formatExpression(e.value)} ${e.not ? 'NOT ' : ''}BETWEEN ${formatExpression(e.lower)} AND ${formatExpression(e.upper)})`;
    case 'InList':
      return `(${formatExpression(e.value)} ${e.not ? 'NOT ' : ''}IN (${e.list.map(formatExpression).join(', ')}))`;
    case 'Like':
      return `(${formatExpression(e.value)} ${e.not ? 'NOT ' : ''}LIKE ${formatExpression(e.pattern)}${e.escape !== undefined ? ` ESCAPE '${e.escape}'` : ''})`;
    case 'SearchedCase':
      return `(CASE ${e.whens.map((w) => `WHEN ${formatExpression(w.when)} THEN ${formatExpression(w.then)}`).join(' ')}${e.else ? ` ELSE ${formatExpression(e.else)}` : ''} END)`;
    case 'SimpleCase':
      return `(CASE ${formatExpression(e.operand)} ${e.whens.map((w) => `WHEN ${formatExpression(w.when)} THEN ${formatExpression(w.then)}`).join(' ')}${e.else ? ` ELSE ${formatExpression(e.else)}` : ''} END)`;
    case 'Cast':
      return `CAST(${formatExpression(e.expression)} AS ${formatSqlType(e.type)})`;
    case 'FunctionCall': {
      if (e.star) return `${e.name}(*)`;
      const args = [...e.args, ...(e.lambdas ?? [])].map(formatExpression);
      return `${e.name}(${args.join(', ')})`;
    }
    case 'IntervalUnit':
      return e.unit;
    case 'Lambda':
      return e.params.length === 1
        ? `${e.params[0]} => ${formatExpression(e.body)}`
        : `(${e.params.join(', ')}) => ${formatExpression(e.body)}`;
    case 'ArrayConstructor':
      return `ARRAY[${e.items.map(formatExpression).join(', ')}]`;
    case 'MapConstructor':
      return `MAP(${e.entries.map((en) => `${formatExpression(en.key)}:=${formatExpression(en.value)}`).join(', ')})`;
    case 'StructConstructor':
      return `STRUCT(${e.fields.map((f) => `${f.name}:=${formatExpression(f.value)}`).join(', ')})`;
  }
}

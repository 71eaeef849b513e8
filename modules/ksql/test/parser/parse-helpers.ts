import { expect } from 'vitest';
import { KsqlError } from '../../src/errors.js';
import type { Expression, Query, Statement, StatementOf } from '../../src/parser/ast.js';
import { parseStatements } from '../../src/parser/index.js';

/** Parses a script that must hold exactly one statement of the given kind. */
export function one<K extends Statement['kind']>(sql: string, kind: K): StatementOf<K> {
  const statements = parseStatements(sql);
  expect(statements).toHaveLength(1);
  expect(statements[0].kind).toBe(kind);
  return statements[0] as StatementOf<K>;
}

export function query(sql: string): Query {
  return one(sql, 'QueryStatement').query;
}

/** Drops `pos` fields so trees compare by structure. */
export function strip<T>(value: T): T {
  return JSON.parse(
    JSON.stringify(value, (key, v) =>
      key === 'pos' ? undefined : v instanceof Map ? Object.fromEntries(v) : v,
    ),
  ) as T;
}

/** Renders an expression fully parenthesised, to check precedence compactly. */
export function show(e: Expression): string {
  switch (e.kind) {
    case 'ColumnRef':
      return e.qualifier ? `${e.qualifier}.${e.name}` : e.name;
    case 'IntegerLiteral':
    case 'DoubleLiteral':
      return String(e.value);
    case 'DecimalLiteral':
      return e.text;
    case 'StringLiteral':
      return `'${e.value}'`;
    case 'BooleanLiteral':
      return String(e.value).toUpperCase();
    case 'NullLiteral':
      return 'NULL';
    case 'Or':
      return `(${show(e.left)} OR ${show(e.right)})`;
    case 'And':
      return `(${show(e.left)} AND ${show(e.right)})`;
    case 'Not':
      return `(NOT ${show(e.operand)})`;
    case 'Comparison':
      return `(${show(e.left)} ${e.op} ${show(e.right)})`;
    case 'Arithmetic':
      return `(${show(e.left)} ${e.op} ${show(e.right)})`;
    case 'Concat':
      return `(${show(e.left)} || ${show(e.right)})`;
    case 'Negate':
      return `(${e.sign}${show(e.operand)})`;
    case 'Between':
      return `(${show(e.value)}${e.not ? ' NOT' : ''} BETWEEN ${show(e.lower)} AND ${show(e.upper)})`;
    case 'IsNull':
      return `(${show(e.operand)} IS${e.not ? ' NOT' : ''} NULL)`;
    case 'Subscript':
      return `${show(e.base)}[${show(e.index)}]`;
    case 'Dereference':
      return `${show(e.base)}->${e.field}`;
    case 'FunctionCall':
      return `${e.name}(${e.star ? '*' : e.args.map(show).join(', ')})`;
    default:
      return e.kind;
  }
}

/** The KsqlError a parse throws (fails the test when it parses). */
export function parseError(sql: string): KsqlError {
  try {
    parseStatements(sql);
  } catch (e) {
    expect(e).toBeInstanceOf(KsqlError);
    return e as KsqlError;
  }
  throw new Error(`expected a parse error for: ${sql}`);
}

import { KsqlError } from '../errors.js';
import { compileExpression } from '../expr/compile.js';
import type { ColumnScope, CompiledExpression } from '../expr/compiled.js';
import type { FunctionRegistry } from '../function/function-types.js';
import type { Expression } from '../parser/ast.js';
import { formatSqlType } from '../types/sql-type.js';
import { formatExpression } from './expression-text.js';

/** The clause an expression belongs to: ksqlDB names it in resolution and type errors. */
export type Clause = 'SELECT' | 'WHERE' | 'PARTITION BY' | 'GROUP BY' | 'HAVING' | 'JOIN ON' | 'VALUES';

/**
 * Compiles one expression of a clause. Unknown columns fail here with ksqlDB's wording
 * (`WHERE column 'BOB' cannot be resolved.`), and WHERE's other type errors carry its prefix
 * (`Error in WHERE expression: …`), as ksqlDB's messages do.
 */
export function compileIn(
  clause: Clause,
  expression: Expression,
  scope: ColumnScope,
  functions: FunctionRegistry,
): CompiledExpression {
  const clauseScope: ColumnScope = {
    resolve(ref) {
      const found = scope.resolve(ref);
      if (found) return found;
      const name = ref.qualifier ? `${ref.qualifier}.${ref.name}` : ref.name;
      const hint =
        clause === 'PARTITION BY'
          ? ` '${name}' must be a column in the source schema since PARTITION BY is applied on the input.`
          : '';
      throw new KsqlError(`${clause} column '${name}' cannot be resolved.${hint}`, ref.pos);
    },
  };
  try {
    return compileExpression(expression, clauseScope, functions, { clause });
  } catch (err) {
    // ksqlDB's projection analysis words an unsupported cast 'Invalid Select: …'.
    if (
      clause === 'SELECT' &&
      err instanceof KsqlError &&
      /^(line \d+:\d+: )?Cast of .* is not supported/.test(err.message)
    ) {
      throw new KsqlError(`Invalid Select: ${stripPosition(err.message)}`, err.position);
    }
    if (clause === 'WHERE' && err instanceof KsqlError && !/cannot be resolved/.test(err.message)) {
      const reason = stripPosition(err.message);
      // ksqlDB reports IN-list coercion failures from its predicate analysis, others from WHERE's type check.
      const prefix = /^(operator does not exist|invalid input syntax)/.test(reason)
        ? 'Invalid Predicate'
        : 'Error in WHERE expression';
      throw new KsqlError(`${prefix}: ${reason}`, err.position);
    }
    throw err;
  }
}

/** A WHERE / HAVING condition: compiled, and checked to be BOOLEAN. */
export function compilePredicate(
  clause: 'WHERE' | 'HAVING',
  expression: Expression,
  scope: ColumnScope,
  functions: FunctionRegistry,
): CompiledExpression {
  const compiled = compileIn(clause, expression, scope, functions);
  if (compiled.type.base !== 'BOOLEAN') {
    throw new KsqlError(
      `Type error in ${clause} expression: Should evaluate to boolean but is ${formatExpression(expression)} (${formatSqlType(compiled.type)}) instead.`,
      expression.pos,
    );
  }
  return compiled;
}

function stripPosition(message: string): string {
  return message.replace(/^line \d+:\d+: /, '');
}

import { parseStatements } from '../parser/index.js';
import type { Statement } from '../parser/ast.js';
import type { SqlType } from '../types/sql-type.js';

/**
 * Parses a request's script with the variables and custom types in force (the parser substitutes
 * `${name}`, follows the script's own DEFINE / UNDEFINE and CREATE TYPE). Kept apart so the engine
 * depends on the parser in one place.
 */
export function parseScript(
  sql: string,
  variables: ReadonlyMap<string, string>,
  types: ReadonlyMap<string, SqlType>,
): Statement[] {
  return parseStatements(sql, variables, types);
}

import { parseStatements } from '../parser/index.js';
import type { Statement } from '../parser/ast.js';

/**
 * Parses one statement slice of a request with the variables in force at that point (the
 * parser substitutes `${name}`). Kept apart so the engine depends on the parser in one place.
 */
export function parseSlice(text: string, variables: ReadonlyMap<string, string>): Statement[] {
  return parseStatements(text, { variables });
}

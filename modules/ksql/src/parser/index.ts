import { createTokenInstance, type ILexingError, type IToken } from 'chevrotain';
import { KsqlError, type SourcePosition } from '../errors.js';
import type { SqlType } from '../types/sql-type.js';
import type { Expression, Statement } from './ast.js';
import { KsqlGrammar, type ParsedStatement, STATEMENT_STARTS } from './grammar.js';
import { clearErrorDetails, toKsqlError } from './syntax-errors.js';
import { ksqlLexer, Unrecognized } from './tokens.js';
import type { CustomTypeRegistry } from './type-names.js';
import { needsSubstitution, substitute, type VariableScope, variableKey } from './variables.js';

export { KsqlSyntaxError } from './syntax-errors.js';
export type { CustomTypeRegistry } from './type-names.js';

// One parser for the process (chevrotain's guidance: building it analyses the grammar, reuse it).
let grammar: KsqlGrammar | undefined;
function parser(): KsqlGrammar {
  grammar ??= new KsqlGrammar();
  return grammar;
}

const NO_TYPES: CustomTypeRegistry = new Map();

/**
 * Parses a script of `;`-separated statements (the last `;` may be missing) into syntax trees.
 *
 * `DEFINE` / `UNDEFINE` statements of the script and the caller's `variables` drive `${name}`
 * substitution in later statements; each statement's `text` is its text after substitution.
 * Custom types come from `types` (the engine's registry) and from `CREATE TYPE` / `DROP TYPE`
 * statements earlier in the script. Throws a KsqlError (a KsqlSyntaxError for syntax errors) on the
 * first error, with the line and column in the script.
 */
export function parseStatements(
  sql: string,
  variables?: ReadonlyMap<string, string>,
  types: CustomTypeRegistry = NO_TYPES,
): Statement[] {
  const { tokens, parsed } = parseScript(sql, types, { line: 1, column: 1 });
  const scope: VariableScope = new Map();
  for (const [name, value] of variables ?? []) scope.set(variableKey(name), value);

  const statements: Statement[] = [];
  for (const p of parsed) {
    let statement = p.statement;
    // Most statements have no variables: look at their tokens only when some could apply.
    const statementTokens = p.variables.length > 0 || scope.size > 0 ? tokensOf(tokens, p) : [];
    if (statementTokens.length > 0 && needsSubstitution(statementTokens, p.variables, scope)) {
      const text = substitute(sql, statementTokens, p.variables, scope);
      const again = parseScript(text, p.types, statement.pos ?? { line: 1, column: 1 }).parsed;
      if (again.length !== 1 || again[0].variables.length > 0) {
        throw new KsqlError('Variable substitution must produce exactly one statement', statement.pos);
      }
      statement = again[0].statement;
    }
    if (statement.kind === 'DefineVariable') scope.set(variableKey(statement.name), statement.value);
    else if (statement.kind === 'UndefineVariable') scope.delete(variableKey(statement.name));
    statements.push(statement);
  }
  return statements;
}

/** Parses one expression (`a + 1`, `CAST(x AS INT)`); unquoted names come out upper-cased. */
export function parseExpression(text: string): Expression {
  const p = parser();
  prepare(p, text, NO_TYPES, { line: 1, column: 1 });
  const expression = guardDepth(() => p.singleExpression());
  throwFirstError(p, text, { line: 1, column: 1 });
  return expression;
}

/** Parses a type (`ARRAY<STRUCT<A INT>>`, `DECIMAL(4, 2)`, a registered custom type's name). */
export function parseType(text: string, types: CustomTypeRegistry = NO_TYPES): SqlType {
  const p = parser();
  prepare(p, text, types, { line: 1, column: 1 });
  const type = p.singleType();
  throwFirstError(p, text, { line: 1, column: 1 });
  return type;
}

function parseScript(
  text: string,
  types: CustomTypeRegistry,
  origin: SourcePosition,
): { tokens: IToken[]; parsed: ParsedStatement[] } {
  const p = parser();
  const tokens = prepare(p, text, types, origin);
  const parsed = guardDepth(() => p.script());
  throwFirstError(p, text, origin);
  return { tokens, parsed };
}

function prepare(p: KsqlGrammar, text: string, types: CustomTypeRegistry, origin: SourcePosition): IToken[] {
  const lexed = ksqlLexer.tokenize(text);
  // Characters no token matches become UNRECOGNIZED tokens, reported by the parser in context.
  if (lexed.errors.length > 0) lexed.tokens = withUnrecognized(lexed.tokens, lexed.errors, text);
  if (origin.line !== 1 || origin.column !== 1) {
    // A substituted statement is parsed on its own: report positions where it stands in the script.
    for (const t of lexed.tokens) {
      const pos = shift({ line: t.startLine ?? 1, column: t.startColumn ?? 1 }, origin);
      t.startLine = pos.line;
      t.startColumn = pos.column;
    }
  }
  clearErrorDetails();
  p.begin(text, lexed.tokens, types);
  return lexed.tokens;
}

function throwFirstError(p: KsqlGrammar, text: string, origin: SourcePosition): void {
  if (p.errors.length === 0) return;
  throw toKsqlError(p.errors[0], shift(endOf(text), origin), STATEMENT_STARTS);
}

function shift(pos: SourcePosition, origin: SourcePosition): SourcePosition {
  if (pos.line === 1) return { line: origin.line, column: pos.column + origin.column - 1 };
  return { line: pos.line + origin.line - 1, column: pos.column };
}

/** The position just after the last character (where ANTLR puts `<EOF>`). */
function endOf(text: string): SourcePosition {
  const lines = text.split(/\r\n|\r|\n/);
  return { line: lines.length, column: lines[lines.length - 1].length + 1 };
}

function tokensOf(tokens: readonly IToken[], p: ParsedStatement): IToken[] {
  const from = tokens.indexOf(p.firstToken);
  const to = tokens.indexOf(p.lastToken);
  if (from < 0 || to < from) return [];
  return tokens.slice(from, to + 1);
}

function withUnrecognized(tokens: IToken[], errors: readonly ILexingError[], text: string): IToken[] {
  const extra = errors.map((e) => {
    const line = e.line ?? 1;
    const column = e.column ?? 1;
    const image = text.slice(e.offset, e.offset + e.length);
    return createTokenInstance(
      Unrecognized,
      image,
      e.offset,
      e.offset + e.length - 1,
      line,
      line,
      column,
      column + e.length - 1,
    );
  });
  return [...tokens, ...extra].sort((a, b) => a.startOffset - b.startOffset);
}

/** Deeply nested input exhausts the stack of the recursive-descent parser; ksqlDB words it so. */
function guardDepth<T>(parse: () => T): T {
  try {
    return parse();
  } catch (e) {
    if (e instanceof RangeError) {
      throw new KsqlError(
        'Error processing statement: Statement is too large to parse. ' +
          'This may be caused by having too many nested expressions in the statement.',
      );
    }
    throw e;
  }
}

import {
  EOF,
  type IParserErrorMessageProvider,
  type IRecognitionException,
  type IToken,
  type TokenType,
  tokenMatcher,
} from 'chevrotain';
import { KsqlError, type SourcePosition } from '../errors.js';
import {
  BackQuotedIdentifier,
  Comma,
  DigitIdentifier,
  Gt,
  Identifier,
  NonReserved,
  QuotedIdentifier,
  RBracket,
  RParen,
  tokenInfo,
  Variable,
} from './tokens.js';

/**
 * Syntax errors as ksqlDB words them. ksqlDB's parser (ANTLR) reports `mismatched input 'X'
 * expecting {…}`, `missing ')' at ','` or `no viable alternative`, and its error listener turns
 * that into `line L:C: Syntax Error` followed by one of:
 *   - `Unknown statement 'RUN'` / `Did you mean 'SELECT'?` when no statement starts that way;
 *   - `Expecting {',', ')'}` when at most three tokens were possible;
 *   - `Syntax error at or near 'NULL' at line 2:47` when no alternative of a rule matched;
 *   - `missing ')' at ','`;
 *   - `"SELECT" is a reserved keyword …` when a reserved word stands where a name should.
 * We keep those phrases, and where ksqlDB would print no detail (many expected tokens) we print
 * `mismatched input 'X' expecting {…}` so the message always names what was found.
 */
export class KsqlSyntaxError extends KsqlError {
  constructor(
    detail: string,
    position: SourcePosition,
    /** The offending input as written (`<EOF>` at the end). */
    readonly found: string,
    /** The tokens that could have come instead, as ksqlDB's vocabulary names them. */
    readonly expected: readonly string[],
  ) {
    super(detail ? `Syntax Error\n${detail}` : 'Syntax Error', position);
    this.name = 'KsqlSyntaxError';
  }
}

/** `ERR_MSG` of a `)` closing a comma-separated list: `,` could have come too. */
export const listCloseMarker = '\u0000list-close';

/** Statement keywords, for `Did you mean …?` (ksqlDB's list). */
const COMMANDS = [
  'SELECT',
  'CREATE',
  'INSERT',
  'DESCRIBE',
  'PRINT',
  'EXPLAIN',
  'SHOW',
  'LIST',
  'TERMINATE',
  'PAUSE',
  'RESUME',
  'DROP',
  'SET',
  'DEFINE',
  'UNDEFINE',
  'UNSET',
  'ASSERT',
  'ALTER',
];

const IDENTIFIER_FAMILY: readonly TokenType[] = [
  Identifier,
  NonReserved,
  QuotedIdentifier,
  BackQuotedIdentifier,
  DigitIdentifier,
  Variable,
];
const CLOSERS: readonly TokenType[] = [RParen, RBracket, Gt];

/**
 * Rules that are a plain choice of single tokens: ANTLR matches those as a token set and reports
 * `mismatched input … expecting {…}` (ksqlDB: `Expecting {…}`); a failed choice anywhere else is
 * ANTLR's `no viable alternative` (ksqlDB: `Syntax error at or near 'X' at line L:C`).
 */
const TOKEN_SET_RULES = new Set(['typeParameter', 'windowUnit', 'variableName']);

/** What a failed prediction saw: the expected first tokens and the token where input diverged. */
interface ErrorDetail {
  readonly style: 'set' | 'noViable';
  readonly offending: IToken;
  readonly expected: readonly TokenType[];
  readonly ruleName: string;
}

// chevrotain builds each exception's message through the provider; the message is a key into this
// table so the structured detail reaches `toKsqlError`. Cleared at the start of every parse.
const details = new Map<string, ErrorDetail>();
let nextDetail = 0;

export function clearErrorDetails(): void {
  details.clear();
  nextDetail = 0;
}

function remember(detail: ErrorDetail): string {
  const key = `\u0000detail:${nextDetail++}`;
  details.set(key, detail);
  return key;
}

function divergence(
  paths: readonly (readonly TokenType[])[],
  actual: readonly IToken[],
): ErrorDetail['offending'] {
  return actual[commonPrefix(paths, actual)] ?? actual[actual.length - 1];
}

function commonPrefix(paths: readonly (readonly TokenType[])[], actual: readonly IToken[]): number {
  let best = 0;
  for (const path of paths) {
    let i = 0;
    while (i < path.length && i < actual.length && tokenMatcher(actual[i], path[i])) i++;
    if (i > best) best = i;
  }
  return Math.min(best, actual.length - 1);
}

function expectedAt(
  paths: readonly (readonly TokenType[])[],
  actual: readonly IToken[],
  at: number,
): TokenType[] {
  const out: TokenType[] = [];
  for (const path of paths) {
    let i = 0;
    while (i < at && i < path.length && tokenMatcher(actual[i], path[i])) i++;
    if (i === at && path[at] && !out.includes(path[at])) out.push(path[at]);
  }
  return out;
}

function predictionDetail(
  paths: readonly (readonly TokenType[])[],
  actual: readonly IToken[],
  ruleName: string,
): ErrorDetail {
  const at = commonPrefix(paths, actual);
  return {
    style: at === 0 && TOKEN_SET_RULES.has(ruleName) ? 'set' : 'noViable',
    offending: divergence(paths, actual),
    expected: expectedAt(paths, actual, at),
    ruleName,
  };
}

export const errorMessageProvider: IParserErrorMessageProvider = {
  buildMismatchTokenMessage: ({ expected, actual, ruleName }) =>
    remember({ style: 'set', offending: actual, expected: [expected], ruleName }),
  buildNotAllInputParsedMessage: ({ firstRedundant, ruleName }) =>
    remember({ style: 'noViable', offending: firstRedundant, expected: [], ruleName }),
  buildNoViableAltMessage: ({ expectedPathsPerAlt, actual, ruleName }) =>
    remember(predictionDetail(expectedPathsPerAlt.flat(), actual, ruleName)),
  buildEarlyExitMessage: ({ expectedIterationPaths, actual, ruleName }) =>
    remember(predictionDetail(expectedIterationPaths, actual, ruleName)),
};

function display(token: IToken): string {
  return tokenMatcher(token, EOF) ? '<EOF>' : token.image;
}

function isIdentifierType(type: TokenType): boolean {
  return IDENTIFIER_FAMILY.includes(type);
}

/** The expected tokens as ksqlDB lists them (vocabulary order); all kinds of name show as IDENTIFIER. */
function expectedNames(expected: readonly TokenType[]): { names: string[]; antlrCount: number } {
  const types = new Set<TokenType>();
  let antlrCount = 0;
  for (const t of expected) {
    if (isIdentifierType(t)) {
      types.add(Identifier);
      antlrCount += t === NonReserved ? 60 : 1; // ANTLR lists every non-reserved keyword
    } else {
      types.add(t);
      antlrCount++;
    }
  }
  const names = [...types]
    .sort((a, b) => tokenInfo(a).order - tokenInfo(b).order)
    .map((t) => tokenInfo(t).display);
  return { names, antlrCount };
}

function braces(names: readonly string[]): string {
  return names.length === 1 ? names[0] : `{${names.join(', ')}}`;
}

function levenshtein(a: string, b: string): number {
  const row = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    let prev = row[0];
    row[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const cur = row[j];
      row[j] = Math.min(row[j] + 1, row[j - 1] + 1, prev + (a[i - 1] === b[j - 1] ? 0 : 1));
      prev = cur;
    }
  }
  return row[b.length];
}

function mostSimilarCommand(word: string): string {
  let best = COMMANDS[0];
  let min = Number.MAX_SAFE_INTEGER;
  for (const command of COMMANDS) {
    const d = levenshtein(command, word.toUpperCase());
    if (d < min) {
      min = d;
      best = command;
    }
  }
  return best;
}

/** Where a token starts; the end of input for EOF (chevrotain gives EOF no position). */
function positionOf(token: IToken, endOfInput: SourcePosition): SourcePosition {
  if (tokenMatcher(token, EOF) || !Number.isFinite(token.startLine)) return endOfInput;
  return { line: token.startLine as number, column: token.startColumn as number };
}

/** Builds the error for `found` where one of `expected` had to come. */
export function syntaxErrorAt(
  found: IToken,
  expected: readonly TokenType[],
  style: ErrorDetail['style'] = 'set',
  endOfInput: SourcePosition = { line: 1, column: 1 },
  statementStart = false,
  ruleName = '',
): KsqlSyntaxError {
  const pos = positionOf(found, endOfInput);
  const text = display(found);
  const { names, antlrCount } = expectedNames(expected);
  const quoted = `'${text}'`;
  let detail: string;
  if (statementStart) {
    detail = `Unknown statement ${quoted}\nDid you mean '${mostSimilarCommand(text)}'?`;
  } else if (tokenInfo(found.tokenType).reservedKeyword && ruleName === 'identifier') {
    const word = text.toUpperCase();
    detail =
      `"${word}" is a reserved keyword and it can't be used as an identifier. ` +
      `You can use it as an identifier by escaping it as \`${word}\``;
  } else if (style === 'noViable') {
    detail = `Syntax error at or near ${quoted} at line ${pos.line}:${pos.column}`;
    if (names.length > 0) detail += `\nExpecting ${braces(names)}`;
  } else if (expected.length === 1 && CLOSERS.includes(expected[0])) {
    detail = `missing ${names[0]} at ${quoted}`;
  } else if (antlrCount <= 3) {
    detail = `Expecting ${braces(names)}`;
  } else {
    detail = `mismatched input ${quoted} expecting ${braces(names)}`;
  }
  return new KsqlSyntaxError(detail, pos, text, names);
}

/** Turns chevrotain's first recognition error into ksqlDB's syntax error. */
export function toKsqlError(
  error: IRecognitionException,
  endOfInput: SourcePosition,
  statementStarts: readonly TokenType[],
): KsqlError {
  if (error.message === listCloseMarker) {
    return syntaxErrorAt(error.token, [Comma, RParen], 'set', endOfInput);
  }
  const detail = details.get(error.message);
  if (!detail) return syntaxErrorAt(error.token, [], 'noViable', endOfInput);
  const unknownStatement =
    ((error.name === 'NotAllInputParsedException' && detail.ruleName === 'script') ||
      (detail.ruleName === 'statement' && detail.style !== 'set')) &&
    detail.offending === error.token &&
    !statementStarts.some((t) => tokenMatcher(detail.offending, t));
  if (unknownStatement && !tokenMatcher(detail.offending, EOF)) {
    return syntaxErrorAt(detail.offending, statementStarts, 'set', endOfInput, true);
  }
  return syntaxErrorAt(detail.offending, detail.expected, detail.style, endOfInput, false, detail.ruleName);
}

import { createToken, EOF, Lexer, type TokenType } from 'chevrotain';

/**
 * KSQL's tokens (ksqlDB's lexer rules): case-insensitive keywords, of which the `nonReserved` ones
 * may also be used as identifiers; identifiers plain, "double-quoted", `back-quoted` or starting
 * with a digit; `${variable}` references; string and number literals; operators; comments.
 *
 * Each token type carries its ANTLR display name and vocabulary order (see `tokenInfo`) so that
 * syntax errors list expected tokens the way ksqlDB prints them (`Expecting {',', ')'}`).
 */

/** Display name (as ANTLR's vocabulary prints it) and sort order of a token type in messages. */
export interface TokenInfo {
  readonly display: string;
  readonly order: number;
  readonly reservedKeyword: boolean;
}

const info = new Map<TokenType, TokenInfo>();
let nextOrder = 0;
function register(type: TokenType, display: string, reservedKeyword = false): TokenType {
  info.set(type, { display, order: nextOrder++, reservedKeyword });
  return type;
}

export function tokenInfo(type: TokenType): TokenInfo {
  return info.get(type) ?? { display: type.name, order: Number.MAX_SAFE_INTEGER, reservedKeyword: false };
}

// Hidden input: whitespace and comments never reach the parser.
const WhiteSpace = createToken({
  name: 'WS',
  pattern: /[ \t\r\n]+/,
  group: Lexer.SKIPPED,
  line_breaks: true,
});
const LineComment = createToken({ name: 'SIMPLE_COMMENT', pattern: /--[^\r\n]*/, group: Lexer.SKIPPED });
const BlockComment = createToken({
  name: 'BRACKETED_COMMENT',
  pattern: /\/\*[\s\S]*?\*\//,
  group: Lexer.SKIPPED,
  line_breaks: true,
});

// ANTLR numbers the implicit literal tokens of the grammar first, in order of appearance.
export const Semicolon = register(createToken({ name: 'Semicolon', pattern: ';' }), "';'");
export const Comma = register(createToken({ name: 'Comma', pattern: ',' }), "','");
export const LParen = register(createToken({ name: 'LParen', pattern: '(' }), "'('");
export const RParen = register(createToken({ name: 'RParen', pattern: ')' }), "')'");
export const Dot = register(createToken({ name: 'Dot', pattern: '.' }), "'.'");
export const LBracket = register(createToken({ name: 'LBracket', pattern: '[' }), "'['");
export const RBracket = register(createToken({ name: 'RBracket', pattern: ']' }), "']'");

/** Plain identifiers: a letter or `_`, then letters, digits, `_` or `@`. */
export const Identifier = createToken({ name: 'IDENTIFIER', pattern: /[A-Za-z_][A-Za-z0-9_@]*/ });

/** The category of keywords that ksqlDB accepts as identifiers (its grammar's `nonReserved`). */
export const NonReserved = createToken({ name: 'NonReserved', pattern: Lexer.NA });

// biome-ignore format: one keyword list, as the grammar groups it
const NON_RESERVED = new Set([
  'SHOW', 'TABLES', 'COLUMNS', 'COLUMN', 'PARTITIONS', 'FUNCTIONS', 'FUNCTION', 'SESSION',
  'STRUCT', 'MAP', 'ARRAY', 'PARTITION', 'INTEGER', 'DATE', 'TIME', 'TIMESTAMP', 'INTERVAL', 'ZONE',
  'STRING', 'YEAR', 'MONTH', 'DAY', 'HOUR', 'MINUTE', 'SECOND', 'EXPLAIN', 'ANALYZE', 'TYPE', 'TYPES',
  'SET', 'RESET', 'IF', 'SOURCE', 'SINK', 'PRIMARY', 'KEY', 'EMIT', 'CHANGES', 'FINAL', 'ESCAPE',
  'REPLACE', 'ASSERT', 'ALTER', 'ADD', 'HEADER', 'HEADERS', 'GRACE', 'PERIOD', 'DEFINE', 'UNDEFINE',
  'VARIABLES', 'PLUGINS', 'SYSTEM', 'TIMEOUT', 'SCHEMA', 'SUBJECT', 'ID',
]);

function keyword(word: string): TokenType {
  return createToken({
    name: word,
    pattern: new RegExp(word, 'i'),
    longer_alt: Identifier,
    categories: NON_RESERVED.has(word) ? [NonReserved] : [],
  });
}

// The `'STRING'` type parameter keyword is an implicit literal in ksqlDB's grammar (listed before
// the named tokens); its token is also the STRING keyword (nonReserved).
export const STRING_KW = register(keyword('STRING'), "'STRING'");

// Keywords, in ksqlDB's lexer order (which is also their order in expected-token lists).
// biome-ignore format: one keyword list, as the grammar orders it
const KEYWORDS = [
  'EMIT', 'CHANGES', 'FINAL', 'SELECT', 'FROM', 'AS', 'ALL', 'DISTINCT', 'WHERE', 'WITHIN', 'WINDOW',
  'GROUP', 'BY', 'HAVING', 'LIMIT', 'AT', 'OR', 'AND', 'IN', 'NOT', 'EXISTS', 'BETWEEN', 'LIKE',
  'ESCAPE', 'IS', 'NULL', 'TRUE', 'FALSE', 'INTEGER', 'DATE', 'TIME', 'TIMESTAMP', 'INTERVAL', 'YEAR',
  'MONTH', 'DAY', 'HOUR', 'MINUTE', 'SECOND', 'MILLISECOND', 'YEARS', 'MONTHS', 'DAYS', 'HOURS',
  'MINUTES', 'SECONDS', 'MILLISECONDS', 'ZONE', 'TUMBLING', 'HOPPING', 'SIZE', 'ADVANCE', 'RETENTION',
  'GRACE', 'PERIOD', 'CASE', 'WHEN', 'THEN', 'ELSE', 'END', 'JOIN', 'FULL', 'OUTER', 'INNER', 'LEFT',
  'RIGHT', 'ON', 'PARTITION', 'STRUCT', 'WITH', 'VALUES', 'CREATE', 'TABLE', 'TOPIC', 'STREAM',
  'STREAMS', 'INSERT', 'DELETE', 'INTO', 'DESCRIBE', 'EXTENDED', 'PRINT', 'EXPLAIN', 'ANALYZE', 'TYPE',
  'TYPES', 'CAST', 'SHOW', 'LIST', 'TABLES', 'TOPICS', 'QUERY', 'QUERIES', 'TERMINATE', 'PAUSE',
  'RESUME', 'LOAD', 'COLUMNS', 'COLUMN', 'PARTITIONS', 'FUNCTIONS', 'FUNCTION', 'DROP', 'TO', 'RENAME',
  'ARRAY', 'MAP', 'SET', 'DEFINE', 'UNDEFINE', 'RESET', 'SESSION', 'SAMPLE', 'EXPORT', 'CATALOG',
  'PROPERTIES', 'BEGINNING', 'UNSET', 'RUN', 'SCRIPT', 'DECIMAL', 'KEY', 'CONNECTOR', 'CONNECTORS',
  'SINK', 'SOURCE', 'NAMESPACE', 'MATERIALIZED', 'VIEW', 'PRIMARY', 'REPLACE', 'ASSERT', 'ADD',
  'ALTER', 'VARIABLES', 'PLUGINS', 'HEADERS', 'HEADER', 'SYSTEM', 'TIMEOUT', 'SCHEMA', 'SUBJECT', 'ID',
  'IF',
] as const;

export type Keyword = (typeof KEYWORDS)[number] | 'STRING';

/** Keyword token types by upper-case word. */
export const K = Object.fromEntries([
  ['STRING', STRING_KW],
  ...KEYWORDS.map((w) => [w, register(keyword(w), `'${w}'`, !NON_RESERVED.has(w))]),
]) as Record<Keyword, TokenType>;

// Operators (longer ones first: chevrotain takes the first pattern that matches).
export const Neq = register(createToken({ name: 'NEQ', pattern: /<>|!=/ }), 'NEQ');
export const Lte = register(createToken({ name: 'LTE', pattern: '<=' }), "'<='");
export const Gte = register(createToken({ name: 'GTE', pattern: '>=' }), "'>='");
export const Lambda = register(createToken({ name: 'LAMBDA_EXPRESSION', pattern: '=>' }), "'=>'");
export const Eq = register(createToken({ name: 'EQ', pattern: '=' }), "'='");
export const Lt = register(createToken({ name: 'LT', pattern: '<' }), "'<'");
export const Gt = register(createToken({ name: 'GT', pattern: '>' }), "'>'");
export const Arrow = register(createToken({ name: 'STRUCT_FIELD_REF', pattern: '->' }), "'->'");
export const Plus = register(createToken({ name: 'PLUS', pattern: '+' }), "'+'");
export const Minus = register(createToken({ name: 'MINUS', pattern: '-' }), "'-'");
export const Star = register(createToken({ name: 'ASTERISK', pattern: '*' }), "'*'");
export const Slash = register(createToken({ name: 'SLASH', pattern: '/' }), "'/'");
export const Percent = register(createToken({ name: 'PERCENT', pattern: '%' }), "'%'");
export const Concat = register(createToken({ name: 'CONCAT', pattern: '||' }), "'||'");
export const Assign = register(createToken({ name: 'ASSIGN', pattern: ':=' }), "':='");

/** `'…'` with `''` for a quote inside. */
export const StringLiteral = register(
  createToken({ name: 'STRING', pattern: /'(?:[^']|'')*'/, line_breaks: true }),
  'STRING',
);

/** `123abc`: an identifier starting with a digit (ANTLR prefers the longest match, as longer_alt does). */
export const DigitIdentifier = createToken({ name: 'DIGIT_IDENTIFIER', pattern: /[0-9][A-Za-z0-9_@]+/ });
export const IntegerValue = register(
  createToken({ name: 'INTEGER_VALUE', pattern: /[0-9]+/, longer_alt: DigitIdentifier }),
  'INTEGER_VALUE',
);
export const DecimalValue = register(
  createToken({ name: 'DECIMAL_VALUE', pattern: /[0-9]+\.[0-9]*|\.[0-9]+/ }),
  'DECIMAL_VALUE',
);
export const FloatValue = register(
  createToken({
    name: 'FLOATING_POINT_VALUE',
    pattern: /(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)[eE][+-]?[0-9]+/,
    longer_alt: DigitIdentifier,
  }),
  'FLOATING_POINT_VALUE',
);
register(Identifier, 'IDENTIFIER');
register(DigitIdentifier, 'DIGIT_IDENTIFIER');
export const QuotedIdentifier = register(
  createToken({ name: 'QUOTED_IDENTIFIER', pattern: /"(?:[^"]|"")*"/, line_breaks: true }),
  'QUOTED_IDENTIFIER',
);
export const BackQuotedIdentifier = register(
  createToken({ name: 'BACKQUOTED_IDENTIFIER', pattern: /`(?:[^`]|``)*`/, line_breaks: true }),
  'BACKQUOTED_IDENTIFIER',
);
export const Variable = register(
  createToken({ name: 'VARIABLE', pattern: /\$\{[A-Za-z_][A-Za-z0-9_@]*\}/ }),
  'VARIABLE',
);
/**
 * Anything else. Not a lexer rule (a catch-all pattern would switch off chevrotain's first-character
 * optimisation): the lexer's errors become tokens of this type, which the parser then reports as the
 * offending input, as ksqlDB does.
 */
export const Unrecognized = register(
  createToken({ name: 'UNRECOGNIZED', pattern: Lexer.NA }),
  'UNRECOGNIZED',
);
register(EOF, '<EOF>');

export { EOF };

/** Every token type the parser knows (the lexer's list plus the NonReserved category). */
export const allTokens: TokenType[] = [
  WhiteSpace,
  LineComment,
  BlockComment,
  StringLiteral,
  QuotedIdentifier,
  BackQuotedIdentifier,
  Variable,
  FloatValue,
  DecimalValue,
  IntegerValue,
  DigitIdentifier,
  Neq,
  Lte,
  Gte,
  Lambda,
  Eq,
  Lt,
  Gt,
  Arrow,
  Concat,
  Assign,
  Plus,
  Minus,
  Star,
  Slash,
  Percent,
  Semicolon,
  Comma,
  LParen,
  RParen,
  Dot,
  LBracket,
  RBracket,
  NonReserved,
  // Longest keywords first, so that `INNER` is not lexed as `IN` + `NER`.
  ...Object.values(K).sort((a, b) => String(b.PATTERN).length - String(a.PATTERN).length),
  Identifier,
  Unrecognized,
];

/** One lexer for the process (chevrotain: build once, reuse). */
export const ksqlLexer = new Lexer(allTokens, { positionTracking: 'full', ensureOptimizations: true });

/** Window units as written → the AST's (plural) unit. */
export const WINDOW_UNIT_TOKENS: readonly TokenType[] = [
  K.DAY,
  K.HOUR,
  K.MINUTE,
  K.SECOND,
  K.MILLISECOND,
  K.DAYS,
  K.HOURS,
  K.MINUTES,
  K.SECONDS,
  K.MILLISECONDS,
];

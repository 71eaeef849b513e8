import type { IToken } from 'chevrotain';
import { KsqlError, type SourcePosition } from '../errors.js';
import type { Literal, WindowUnit } from './ast.js';

/** Where a token starts (chevrotain's lines and columns are 1-based, as ksqlDB prints them). */
export function tokenPos(token: IToken): SourcePosition {
  return { line: token.startLine ?? 1, column: token.startColumn ?? 1 };
}

/** Removes the surrounding quote characters and un-doubles the escaped ones (`'it''s'` → `it's`). */
export function unquote(text: string, quote: string): string {
  return text
    .slice(1, -1)
    .split(quote + quote)
    .join(quote);
}

/**
 * An error ksqlDB's AST builder raises (ParsingException caught by `prepare`): the message is
 * wrapped in `Failed to prepare statement: `, and its column is one past the token's start —
 * ksqlDB builds the exception from a NodeLocation whose column is already 1-based and adds one
 * again; we print the same number so messages match.
 */
export function prepareError(message: string, pos: SourcePosition): KsqlError {
  return new KsqlError(
    message,
    { line: pos.line, column: pos.column + 1 },
    { wrapper: 'Failed to prepare statement: ' },
  );
}

const INT_MIN = -2147483648n;
const INT_MAX = 2147483647n;
const LONG_MIN = -9223372036854775808n;
const LONG_MAX = 9223372036854775807n;

/**
 * An integer literal: INTEGER when it fits 32 bits, else BIGINT, beyond 64 bits an error
 * (ksqlDB: `Invalid numeric literal`). BIGINT values beyond 2^53 lose precision as JS numbers.
 */
export function integerLiteral(text: string, pos: SourcePosition): Literal {
  const value = BigInt(text);
  if (value < LONG_MIN || value > LONG_MAX) throw prepareError(`Invalid numeric literal: ${text}`, pos);
  const type = value >= INT_MIN && value <= INT_MAX ? 'INTEGER' : 'BIGINT';
  return { kind: 'IntegerLiteral', value: Number(value), type };
}

/** Scientific notation is DOUBLE; overflow is an error as in ksqlDB. */
export function doubleLiteral(text: string, pos: SourcePosition): Literal {
  const value = Number(text);
  if (!Number.isFinite(value)) throw prepareError(`Number overflows DOUBLE: ${text}`, pos);
  return { kind: 'DoubleLiteral', value };
}

/** A number that must be a 32-bit integer (LIMIT, window sizes, DECIMAL precision). */
export function integerArgument(literal: Literal, what: string, pos: SourcePosition): number {
  if (literal.kind === 'IntegerLiteral' && literal.type === 'INTEGER') return literal.value;
  throw new KsqlError(`Value must be integer for command: ${what}`, pos);
}

const UNITS: Record<string, WindowUnit> = {
  DAY: 'DAYS',
  DAYS: 'DAYS',
  HOUR: 'HOURS',
  HOURS: 'HOURS',
  MINUTE: 'MINUTES',
  MINUTES: 'MINUTES',
  SECOND: 'SECONDS',
  SECONDS: 'SECONDS',
  MILLISECOND: 'MILLISECONDS',
  MILLISECONDS: 'MILLISECONDS',
};

/** `MINUTE` and `MINUTES` are the same unit; the AST keeps the plural. */
export function windowUnit(word: string): WindowUnit {
  const unit = UNITS[word.toUpperCase()];
  if (!unit) throw new KsqlError(`Unknown window unit: ${word}`);
  return unit;
}

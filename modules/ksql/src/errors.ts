/** A position in the statement text, 1-based line and column (what ksqlDB prints as `line 1:15`). */
export interface SourcePosition {
  readonly line: number;
  readonly column: number;
}

/**
 * How the position is printed in front of the message. ksqlDB has two forms: its parser's
 * `line L:C: …` (ParsingException, syntax errors) and its analyzer's `Line: L, Col: C: …`
 * (NodeLocation.asPrefix, semantic errors about a node of the statement).
 */
export type LocationStyle = 'line' | 'node';

/** Options of a KsqlError beyond message and position (all optional; default: `line L:C: `). */
export interface KsqlErrorOptions {
  readonly locationStyle?: LocationStyle;
  /**
   * Statement-level wrapper ksqlDB puts in front of the located message, e.g.
   * `Failed to prepare statement: ` or `Exception while preparing statement: `.
   */
  readonly wrapper?: string;
}

/** The `line L:C: ` or `Line: L, Col: C: ` prefix of a message. */
export function locationPrefix(position: SourcePosition, style: LocationStyle = 'line'): string {
  return style === 'node'
    ? `Line: ${position.line}, Col: ${position.column}: `
    : `line ${position.line}:${position.column}: `;
}

/**
 * Every error the engine reports to a user: parse errors, unknown columns, type errors,
 * unsupported features. The message reads like ksqlDB's; `position` is where in the statement
 * text the problem is, when known, and is also part of the message (`line 1:15: …`, or
 * `Line: 1, Col: 15: …` with `locationStyle: 'node'`).
 */
export class KsqlError extends Error {
  /** The statement that failed, set by the engine when the error leaves `execute`. */
  statementText?: string;
  /** The message without position and wrapper. */
  readonly detail: string;

  constructor(
    message: string,
    readonly position?: SourcePosition,
    options?: KsqlErrorOptions,
  ) {
    const located = position ? locationPrefix(position, options?.locationStyle) + message : message;
    super((options?.wrapper ?? '') + located);
    this.detail = message;
    this.name = 'KsqlError';
  }

  /**
   * The message as ksqlDB's server returns it for a failed statement (KsqlStatementException's
   * unlogged details): the message, then `\nStatement: <text>` once the engine has set the
   * statement.
   */
  get messageWithStatement(): string {
    return this.statementText === undefined
      ? this.message
      : `${this.message}\nStatement: ${this.statementText}`;
  }
}

/** The statement is valid KSQL but uses a feature this engine does not implement (named in the message). */
export class UnsupportedFeatureError extends KsqlError {
  constructor(
    readonly feature: string,
    position?: SourcePosition,
  ) {
    super(`${feature} is not supported by the meterstream KSQL engine`, position);
    this.name = 'UnsupportedFeatureError';
  }
}

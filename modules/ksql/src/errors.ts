/** A position in the statement text, 1-based line and column (what ksqlDB prints as `line 1:15`). */
export interface SourcePosition {
  readonly line: number;
  readonly column: number;
}

/**
 * Every error the engine reports to a user: parse errors, unknown columns, type errors,
 * unsupported features. The message reads like ksqlDB's; `position` is where in the statement
 * text the problem is, when known, and is also part of the message (`line 1:15: …`).
 */
export class KsqlError extends Error {
  /** The statement that failed, set by the engine when the error leaves `execute`. */
  statementText?: string;

  constructor(
    message: string,
    readonly position?: SourcePosition,
  ) {
    super(position ? `line ${position.line}:${position.column}: ${message}` : message);
    this.name = 'KsqlError';
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

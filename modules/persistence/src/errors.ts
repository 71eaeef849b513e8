/** A CQL statement failed: names the statement (and the table it touched) beside the driver's error. */
export class CassandraStatementError extends Error {
  override readonly name = 'CassandraStatementError';
  constructor(
    readonly statement: string,
    cause: unknown,
    readonly context?: string,
  ) {
    super(
      `CQL failed${context ? ` (${context})` : ''}: ${(cause as Error)?.message ?? String(cause)} — statement: ${statement}`,
      { cause },
    );
  }
}

/** A query the DAO refuses before it reaches Cassandra (unknown window, empty range, ...). */
export class InvalidQueryError extends Error {
  override readonly name = 'InvalidQueryError';
}

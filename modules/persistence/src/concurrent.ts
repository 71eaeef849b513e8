import type { Client } from 'cassandra-driver';
import { CassandraStatementError } from './errors.js';

/**
 * Runs one prepared statement for every parameter list with at most `concurrency` requests in flight,
 * like the driver's `concurrent.executeConcurrent`, but marking the statement idempotent so the
 * driver's retry policy may retry it on a timeout (executeConcurrent has no way to say so). Rejects
 * with the first error once the requests in flight have settled; nothing new starts after an error.
 */
export async function executeBounded(
  client: Client,
  cql: string,
  parameters: readonly unknown[][],
  concurrency: number,
): Promise<void> {
  let next = 0;
  let failure: unknown;
  const options = { prepare: true, isIdempotent: true };
  async function lane(): Promise<void> {
    while (failure === undefined && next < parameters.length) {
      const params = parameters[next++]!;
      try {
        await client.execute(cql, params, options);
      } catch (error) {
        failure ??= new CassandraStatementError(cql, error, `${parameters.length} rows`);
      }
    }
  }
  const lanes = Math.max(1, Math.min(concurrency, parameters.length));
  await Promise.all(Array.from({ length: lanes }, lane));
  if (failure !== undefined) throw failure;
}

import type { Client } from 'cassandra-driver';
import { CassandraStatementError } from './errors.js';

/**
 * How `executeBounded` groups rows into UNLOGGED BATCH requests. One request per row costs the
 * driver and the server a frame, a routing decision, a response and (on the embedded CQL server) a
 * commit-log record each; a batch of N rows pays those once.
 */
export interface BatchOptions {
  /** Rows per BATCH request at most; 1 (the default) sends one request per row. */
  readonly rows: number;
  /**
   * Rows with the same key go into the same batches (Cassandra's advice: an unlogged batch is cheap
   * for the cluster when it touches one partition). Without it, consecutive rows are batched
   * whatever their partition: the fewest requests, right for a single node such as the embedded
   * CQL server, but a multi-partition batch makes a real cluster's coordinator forward each row.
   */
  readonly groupBy?: (params: readonly unknown[]) => string;
}

/** Splits parameter lists into the units sent as one request: single rows or batches. */
export function batchUnits(parameters: readonly unknown[][], batch: BatchOptions | undefined): unknown[][][] {
  const rows = Math.max(1, Math.floor(batch?.rows ?? 1));
  const groups: unknown[][][] = [];
  if (batch?.groupBy && rows > 1) {
    const byKey = new Map<string, unknown[][]>();
    for (const p of parameters) {
      const key = batch.groupBy(p);
      const group = byKey.get(key);
      if (group) group.push(p);
      else byKey.set(key, [p]);
    }
    groups.push(...byKey.values());
  } else groups.push(parameters as unknown[][]);
  const units: unknown[][][] = [];
  for (const group of groups)
    for (let i = 0; i < group.length; i += rows) units.push(group.slice(i, i + rows));
  return units;
}

/**
 * Runs one prepared statement for every parameter list with at most `concurrency` requests in flight,
 * like the driver's `concurrent.executeConcurrent`, but marking the statement idempotent so the
 * driver's retry policy may retry it on a timeout (executeConcurrent has no way to say so). With
 * `batch`, rows travel as UNLOGGED BATCHes of up to `batch.rows` (idempotent too: upserts, no
 * counters). Rejects with the first error once the requests in flight have settled; nothing new
 * starts after an error.
 */
export async function executeBounded(
  client: Client,
  cql: string,
  parameters: readonly unknown[][],
  concurrency: number,
  batch?: BatchOptions,
): Promise<void> {
  const units = batchUnits(parameters, batch);
  let next = 0;
  let failure: unknown;
  const options = { prepare: true, isIdempotent: true };
  const batchOptions = { prepare: true, isIdempotent: true, logged: false };
  async function lane(): Promise<void> {
    while (failure === undefined && next < units.length) {
      const unit = units[next++]!;
      try {
        if (unit.length === 1) await client.execute(cql, unit[0], options);
        else
          await client.batch(
            unit.map((params) => ({ query: cql, params })),
            batchOptions,
          );
      } catch (error) {
        failure ??= new CassandraStatementError(
          cql,
          error,
          unit.length === 1
            ? `${parameters.length} rows`
            : `a batch of ${unit.length} of ${parameters.length} rows`,
        );
      }
    }
  }
  const lanes = Math.max(1, Math.min(concurrency, units.length));
  await Promise.all(Array.from({ length: lanes }, lane));
  if (failure !== undefined) throw failure;
}

import type { SerializedRow } from '@meterstream/ksql';

/** Most rows written in one produce request. */
export const MAX_INSERT_BATCH = 500;

/** What a batched insert needs: one row's validation + serialization, a batch's write. */
export interface BatchedInsertSteps {
  /** Validates and serializes one row; a rejection names what is wrong with it. */
  serialize(row: Readonly<Record<string, unknown>>): Promise<SerializedRow>;
  /** Writes serialized rows, in order, in one produce request (acks=all). */
  write(rows: readonly SerializedRow[]): Promise<void>;
  /** Acknowledges row `seq` once written. */
  ack(seq: number): void;
  /** The error to throw for row `seq` (a bad row, or a batch whose write failed). */
  failure(seq: number, cause: unknown): Error;
}

const NOT_YET = Symbol('not yet');

/**
 * Writes an inserts-stream's rows in batches: the rows that have already arrived when one is taken
 * (a client writing fast sends many per network read) are serialized and produced together, then
 * acknowledged one by one in order — one produce round trip per batch instead of per row.
 *
 * A row that fails to serialize ends the stream as before: the rows ahead of it in its batch are
 * written and acknowledged first, it and the rows after it are not written. A failed write fails
 * at the batch's first row (earlier batches stay written and acknowledged).
 */
export async function insertInBatches(
  rows: AsyncIterable<Readonly<Record<string, unknown>>>,
  steps: BatchedInsertSteps,
): Promise<void> {
  const it = rows[Symbol.asyncIterator]();
  let seq = 0;
  let next = it.next();
  for (;;) {
    const first = await next;
    if (first.done) return;
    const batch = [first.value];
    let ended = false;
    next = it.next();
    // Takes the rows already there: a row that needs more input from the network does not
    // settle before the next turn of the event loop, so it starts the next batch instead.
    while (batch.length < MAX_INSERT_BATCH) {
      const ready = await Promise.race([next, nextTurn()]);
      if (ready === NOT_YET) break;
      if (ready.done) {
        ended = true;
        break;
      }
      batch.push(ready.value);
      next = it.next();
    }
    const serialized: SerializedRow[] = [];
    let bad: { seq: number; cause: unknown } | undefined;
    for (const row of batch) {
      try {
        serialized.push(await steps.serialize(row));
      } catch (cause) {
        bad = { seq: seq + serialized.length, cause };
        break;
      }
    }
    if (serialized.length > 0) {
      try {
        await steps.write(serialized);
      } catch (cause) {
        throw steps.failure(seq, cause);
      }
      for (let i = 0; i < serialized.length; i++) steps.ack(seq++);
    }
    if (bad) throw steps.failure(bad.seq, bad.cause);
    if (ended) return;
  }
}

function nextTurn(): Promise<typeof NOT_YET> {
  return new Promise((resolve) => setImmediate(() => resolve(NOT_YET)));
}

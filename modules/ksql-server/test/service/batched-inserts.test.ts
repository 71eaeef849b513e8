import type { SerializedRow } from '@meterstream/ksql';
import { describe, expect, it } from 'vitest';
import {
  type BatchedInsertSteps,
  insertInBatches,
  MAX_INSERT_BATCH,
} from '../../src/service/batched-inserts.js';

type Row = Readonly<Record<string, unknown>>;

/** Steps that record writes and acks; a row with `bad` fails to serialize, `failWrites` fails writes. */
function recorder(options: { failWrites?: boolean } = {}) {
  const writes: number[][] = [];
  const acks: number[] = [];
  const steps: BatchedInsertSteps = {
    serialize: async (row) => {
      if (row.bad) throw new Error(`bad value ${String(row.n)}`);
      return {
        topic: 't',
        key: null,
        value: Buffer.from(String(row.n)),
        timestamp: 0,
      } satisfies SerializedRow;
    },
    write: async (rows) => {
      if (options.failWrites) throw new Error('broker down');
      writes.push(rows.map((r) => Number(r.value?.toString())));
    },
    ack: (seq) => acks.push(seq),
    failure: (seq, cause) => new Error(`row ${seq}: ${(cause as Error).message}`),
  };
  return { steps, writes, acks };
}

async function* arriving(rows: readonly Row[], groups: readonly number[]): AsyncGenerator<Row> {
  // Rows in groups, each group after a pause: what a client sends in separate network writes.
  let i = 0;
  for (const size of groups) {
    await new Promise((r) => setTimeout(r, 5));
    for (const row of rows.slice(i, i + size)) yield row;
    i += size;
  }
}

const numbered = (n: number): Row[] => Array.from({ length: n }, (_, i) => ({ n: i }));

describe('insertInBatches', () => {
  it('writes rows that arrive together in one write, acknowledging each in order', async () => {
    const { steps, writes, acks } = recorder();
    await insertInBatches(arriving(numbered(7), [3, 4]), steps);
    expect(writes).toEqual([
      [0, 1, 2],
      [3, 4, 5, 6],
    ]);
    expect(acks).toEqual([0, 1, 2, 3, 4, 5, 6]);
  });

  it(`splits what arrived at once into batches of at most ${MAX_INSERT_BATCH}`, async () => {
    const { steps, writes, acks } = recorder();
    await insertInBatches(arriving(numbered(MAX_INSERT_BATCH + 10), [MAX_INSERT_BATCH + 10]), steps);
    expect(writes.map((w) => w.length)).toEqual([MAX_INSERT_BATCH, 10]);
    expect(acks).toHaveLength(MAX_INSERT_BATCH + 10);
  });

  it('on a bad row: writes and acks the rows ahead of it, writes nothing after, fails naming it', async () => {
    const { steps, writes, acks } = recorder();
    const rows = numbered(6).map((r, i) => (i === 4 ? { ...r, bad: true } : r));
    await expect(insertInBatches(arriving(rows, [2, 4]), steps)).rejects.toThrow('row 4: bad value 4');
    expect(writes).toEqual([
      [0, 1],
      [2, 3],
    ]);
    expect(acks).toEqual([0, 1, 2, 3]);
  });

  it('a failed write fails at its batch’s first row and acknowledges none of it', async () => {
    const { steps, acks } = recorder({ failWrites: true });
    await expect(insertInBatches(arriving(numbered(3), [3]), steps)).rejects.toThrow('row 0: broker down');
    expect(acks).toEqual([]);
  });
});

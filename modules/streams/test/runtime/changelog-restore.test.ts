import { testLogger, waitFor } from '@meterstream/test-support';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { type RunningBroker, startBroker } from '@meterstream/broker';
import { type Admin, Kafka, logLevel } from 'kafkajs';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { restoreChangelogs } from '../../src/runtime/changelog-reader.js';
import {
  COMMIT_MARKER_HEADER,
  COMMIT_MARKER_KEY,
  commitMarkerValue,
} from '../../src/runtime/commit-marker.js';
import { partitionEnds } from '../../src/runtime/end-offsets.js';

let dir: string;
let broker: RunningBroker;
let kafka: Kafka;
let admin: Admin;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'ms-restore-'));
  broker = await startBroker({ port: 0, dataDir: dir, logger: testLogger() });
  kafka = new Kafka({ brokers: [broker.bootstrap], logLevel: logLevel.NOTHING });
  admin = kafka.admin();
  await admin.connect();
});
afterAll(async () => {
  await admin?.disconnect();
  await broker?.close();
  rmSync(dir, { recursive: true, force: true });
});

/** A transactional producer writing `key=value` records and a commit marker for input position `next`. */
async function writeCommit(
  transactionalId: string,
  topic: string,
  keys: string[],
  next: number,
  timeoutMs = 60_000,
) {
  const producer = kafka.producer({
    transactionalId,
    idempotent: true,
    maxInFlightRequests: 1,
    transactionTimeout: timeoutMs,
  });
  await producer.connect();
  const txn = await producer.transaction();
  await txn.send({
    topic,
    messages: [
      ...keys.map((key) => ({ key, value: `${key}-value` })),
      {
        key: COMMIT_MARKER_KEY,
        value: commitMarkerValue({ input: next }),
        headers: { [COMMIT_MARKER_HEADER]: '1' },
      },
    ],
  });
  return { txn, producer };
}

/** Restores `topic`[0] from 0; resolves with the applied keys and the last marker's position. */
function restore(topic: string, logLines: string[]) {
  const applied: string[] = [];
  let position = -1;
  const logger = pino(
    { level: 'info' },
    new Writable({
      write(chunk, _encoding, done) {
        logLines.push(String(chunk));
        done();
      },
    }),
  );
  const done = restoreChangelogs(
    kafka,
    `restore-${topic}`,
    [
      {
        topic,
        partition: 0,
        from: 0,
        apply: (records) => applied.push(...records.map((r) => r.key.toString())),
        onCommitMarker: (positions) => {
          position = positions.input!;
        },
      },
    ],
    logger,
    { ends: (t) => partitionEnds(admin, t), pollMs: 50 },
  );
  return done.then((result) => ({ applied, position, result }));
}

describe('changelog restore and open transactions', () => {
  it('waits for a transaction open on the changelog and replays what it commits', async () => {
    await admin.createTopics({ topics: [{ topic: 'cl-commit', numPartitions: 1 }] });
    const first = await writeCommit('w1', 'cl-commit', ['a', 'b'], 5);
    await first.txn.commit();
    const open = await writeCommit('w2', 'cl-commit', ['c'], 9);

    const logs: string[] = [];
    const restoring = restore('cl-commit', logs);
    await waitFor('the wait', () => logs.some((l) => l.includes('restore waits for an open transaction')));
    await open.txn.commit();
    const { applied, position, result } = await restoring;
    // Restoring only to the last stable offset (where the open transaction began) would stop at b.
    expect(applied).toEqual(['a', 'b', 'c']);
    expect(position).toBe(9);
    // a b marker COMMIT, c marker COMMIT: restored up to after the last transaction marker
    expect(result.ends.get('cl-commit:0')).toBe(7);
    await Promise.all([first.producer.disconnect(), open.producer.disconnect()]);
  });

  it('waits for a transaction the broker aborts past its timeout, and replays none of it', async () => {
    await admin.createTopics({ topics: [{ topic: 'cl-abort', numPartitions: 1 }] });
    const first = await writeCommit('w3', 'cl-abort', ['a'], 3);
    await first.txn.commit();
    const stalled = await writeCommit('w4', 'cl-abort', ['zombie'], 7, 1_000);

    const logs: string[] = [];
    const { applied, position, result } = await restore('cl-abort', logs);
    expect(logs.some((l) => l.includes('restore waits for an open transaction'))).toBe(true);
    expect(applied).toEqual(['a']);
    expect(position).toBe(3);
    const [high] = await admin.fetchTopicOffsets('cl-abort', { isolationLevel: 0 });
    expect(result.ends.get('cl-abort:0')).toBe(Number(high!.high)); // past the abort marker
    await Promise.all([first.producer.disconnect(), stalled.producer.disconnect()]);
  });
});

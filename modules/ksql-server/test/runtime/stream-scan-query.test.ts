import type { TransientQueryPlan } from '@meterstream/ksql';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { StreamScanQuery } from '../../src/runtime/stream-scan-query.js';
import { waitFor } from '@meterstream/test-support';
import { Cluster, testLog, transientPlan } from './harness.js';

const cluster = new Cluster();
beforeAll(() => cluster.start());
afterAll(() => cluster.stop());

type ScanPlan = TransientQueryPlan & { streamScan: { topic: string } };

let topics = 0;
/** A stream over a topic of its own, and the scan plan of `select` on it. */
async function scanOf(select: (stream: string) => string, partitions = 1) {
  const topic = `scan_${++topics}`;
  await cluster.createTopic(topic, partitions);
  const engine = cluster.engine();
  const stream = `S${topics}`;
  await engine.execute(
    `CREATE STREAM ${stream} (ID STRING KEY, V INT) WITH (kafka_topic='${topic}', value_format='JSON');`,
  );
  const plan = transientPlan<ScanPlan>(await engine.execute(select(stream)));
  let closed = false;
  const scan = new StreamScanQuery(plan, {
    kafka: cluster.kafka,
    admin: cluster.admin,
    bufferRows: 100,
    logger: testLog,
    onClosed: () => {
      closed = true;
    },
  });
  return { topic, scan, closed: () => closed };
}

async function collect(rows: AsyncIterable<readonly unknown[]>): Promise<unknown[][]> {
  const out: unknown[][] = [];
  for await (const row of rows) out.push([...row]);
  return out;
}

/** The consumer groups whose ids start with the scan's application id. */
async function groupsOf(applicationIdPrefix: string): Promise<string[]> {
  const { groups } = await cluster.admin.listGroups();
  return groups.map((g) => g.groupId).filter((g) => g.startsWith(applicationIdPrefix));
}

describe('StreamScanQuery', () => {
  it('ends at the end offsets taken when it started: records written later are not in the answer', async () => {
    const { topic, scan, closed } = await scanOf((s) => `SELECT ID, V FROM ${s};`);
    await cluster.send(topic, [
      { key: 'a', value: { V: 1 } },
      { key: 'b', value: { V: 2 } },
    ]);
    await scan.start();
    await cluster.send(topic, [{ key: 'late', value: { V: 3 } }]);
    expect(await collect(scan.rows)).toEqual([
      ['a', 1],
      ['b', 2],
    ]);
    expect(scan.ended).toBe('end-offsets');
    await scan.close();
    expect(closed()).toBe(true);
    expect(await groupsOf('_confluent-ksql-test_transient_')).toEqual([]);
  });

  it('completes on a partition whose last offset is a transaction marker', async () => {
    const { topic, scan } = await scanOf((s) => `SELECT V FROM ${s};`);
    const producer = cluster.kafka.producer({
      transactionalId: `scan-tx-${topic}`,
      idempotent: true,
      maxInFlightRequests: 1,
    });
    await producer.connect();
    try {
      const tx = await producer.transaction();
      await tx.send({ topic, messages: [{ key: 'a', value: JSON.stringify({ V: 7 }) }] });
      await tx.commit();
    } finally {
      await producer.disconnect();
    }
    await scan.start();
    expect(await collect(scan.rows)).toEqual([[7]]);
    expect(scan.ended).toBe('end-offsets');
  });

  it('stops at LIMIT, and a reader that leaves early closes it', async () => {
    const limited = await scanOf((s) => `SELECT V FROM ${s} LIMIT 2;`, 2);
    await cluster.send(
      limited.topic,
      Array.from({ length: 6 }, (_, i) => ({ key: `k${i}`, value: { V: i }, partition: i % 2 })),
    );
    await limited.scan.start();
    expect(await collect(limited.scan.rows)).toHaveLength(2);
    expect(limited.scan.ended).toBe('limit');

    const left = await scanOf((s) => `SELECT V FROM ${s};`);
    await cluster.send(
      left.topic,
      Array.from({ length: 5 }, (_, i) => ({ key: `k${i}`, value: { V: i } })),
    );
    await left.scan.start();
    for await (const row of left.scan.rows) {
      expect(row).toEqual([0]);
      break;
    }
    // Leaving the loop early closes the scan (its buffer's abandon hook), with no close() call.
    await waitFor('the abandoned scan to close', left.closed);
  });
});

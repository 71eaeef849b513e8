import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { PullQueryPlan } from '@meterstream/ksql';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Cluster, createdQuery, eventually, jsonValue, transientPlan } from './harness.js';

const cluster = new Cluster();
let stateDir: string;
beforeAll(async () => {
  stateDir = mkdtempSync(join(tmpdir(), 'ms-ksql-state-'));
  await cluster.start();
});
afterAll(async () => {
  await cluster.stop();
  rmSync(stateDir, { recursive: true, force: true });
});

describe('KafkaQueryRuntime: a restarted runtime resumes its queries', () => {
  it('exactly_once_v2: no output twice, aggregates restored and continued, pull results exact', async () => {
    await cluster.createTopic('orders', 2);
    const engine = cluster.engine({ 'processing.guarantee': 'exactly_once_v2' });
    await engine.execute(
      "CREATE STREAM ORDERS (ID STRING KEY, CUSTOMER STRING, AMOUNT INT) WITH (kafka_topic='orders', value_format='JSON');",
    );
    const copy = createdQuery(
      await engine.execute('CREATE STREAM BIG_ORDERS AS SELECT * FROM ORDERS WHERE AMOUNT >= 10;'),
    );
    const totals = createdQuery(
      await engine.execute(
        'CREATE TABLE TOTALS AS SELECT CUSTOMER, COUNT(*) AS N, SUM(AMOUNT) AS SPENT FROM ORDERS GROUP BY CUSTOMER;',
      ),
    );
    expect(copy.properties['processing.guarantee']).toBe('exactly_once_v2');
    const lookup = transientPlan<PullQueryPlan>(
      await engine.execute("SELECT CUSTOMER, N, SPENT FROM TOTALS WHERE CUSTOMER = 'c1';"),
    );
    const order = (i: number, customer: string, amount: number) => ({
      key: `o${i}`,
      value: { CUSTOMER: customer, AMOUNT: amount },
      partition: i % 2,
    });

    const first = cluster.runtime({ stateDir });
    await first.start(copy);
    await first.start(totals);
    await cluster.send('orders', [
      order(0, 'c1', 10),
      order(1, 'c1', 5),
      order(2, 'c2', 20),
      order(3, 'c1', 30),
    ]);
    await eventually(
      'c1 after the first batch',
      () => first.pull(lookup),
      (r) => JSON.stringify(r) === JSON.stringify([['c1', 3, 45]]),
    );
    await cluster.read(copy.sinkTopic, 3);
    await first.close();
    expect(first.status(copy.id)).toBeUndefined();

    // A new runtime (a restarted server) runs the same queries: same application ids.
    const second = cluster.runtime({ stateDir });
    try {
      await second.start(copy);
      await second.start(totals);
      await cluster.send('orders', [order(4, 'c1', 100), order(5, 'c2', 1), order(6, 'c3', 50)]);
      // c1's count goes on from its restored aggregate: 3 before the restart, 1 after.
      await eventually(
        'c1 after the restart',
        () => second.pull(lookup),
        (r) => JSON.stringify(r) === JSON.stringify([['c1', 4, 145]]),
      );
      // Every record that passed the filter, each exactly once (read_committed, from the beginning).
      const out = await cluster.read(copy.sinkTopic, 5, { settleMs: 1_500 });
      expect(out.map((m) => m.key?.toString()).sort()).toEqual(['o0', 'o2', 'o3', 'o4', 'o6']);
      expect(
        out.find((m) => m.key?.toString() === 'o4') &&
          jsonValue(out.find((m) => m.key?.toString() === 'o4')!),
      ).toEqual({ CUSTOMER: 'c1', AMOUNT: 100 });
      // The table's topic: the latest row per customer is the total over both runs.
      const rows = await cluster.read(totals.sinkTopic, 1, { settleMs: 1_500 });
      const latest = new Map(rows.map((m) => [m.key?.toString(), jsonValue(m)]));
      expect(latest.get('c1')).toEqual({ N: 4, SPENT: 145 });
      expect(latest.get('c2')).toEqual({ N: 2, SPENT: 21 });
      expect(latest.get('c3')).toEqual({ N: 1, SPENT: 50 });
    } finally {
      await second.close();
    }
  });
});

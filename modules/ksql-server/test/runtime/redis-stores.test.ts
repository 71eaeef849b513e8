import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { PullQueryPlan } from '@meterstream/ksql';
import { redisStoreBackend } from '@meterstream/streams';
import { startRedisServer, type TestRedis } from '@meterstream/test-support';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Cluster, createdQuery, eventually, transientPlan } from './harness.js';

const cluster = new Cluster();
let stateDir: string;
let server: TestRedis;
let redis: Redis;
beforeAll(async () => {
  stateDir = mkdtempSync(join(tmpdir(), 'ms-ksql-redis-'));
  server = await startRedisServer();
  redis = new Redis(server.url);
  await cluster.start();
});
afterAll(async () => {
  await cluster.stop();
  await redis?.quit();
  await server?.stop();
  rmSync(stateDir, { recursive: true, force: true });
});

describe('KSQL persistent queries with their state stores in Redis', () => {
  it('aggregate in Redis, answer pull queries from it, and continue from it after a restart', async () => {
    await cluster.createTopic('usage', 2);
    const engine = cluster.engine({}, redisStoreBackend({ redis }));
    await engine.execute(
      "CREATE STREAM USAGE (METER STRING KEY, KWH INT) WITH (kafka_topic='usage', value_format='JSON');",
    );
    const totals = createdQuery(
      await engine.execute(
        'CREATE TABLE TOTALS AS SELECT METER, COUNT(*) AS N, SUM(KWH) AS KWH FROM USAGE WINDOW TUMBLING (SIZE 1 MINUTE) GROUP BY METER;',
      ),
    );
    const lookup = transientPlan<PullQueryPlan>(
      await engine.execute("SELECT METER, WINDOWSTART, N, KWH FROM TOTALS WHERE METER = 'm1';"),
    );
    const use = (i: number, meter: string, kwh: number, minute: number) => ({
      key: meter,
      value: { KWH: kwh },
      partition: meter === 'm1' ? 0 : 1, // a key lives in one partition
      timestamp: minute * 60_000 + i,
    });
    const sorted = (rows: unknown[][]) =>
      JSON.stringify([...rows].sort((a, b) => Number(a[1]) - Number(b[1])));

    const first = cluster.runtime({ stateDir });
    await first.start(totals);
    await cluster.send('usage', [
      use(0, 'm1', 3, 0),
      use(1, 'm1', 4, 0),
      use(2, 'm2', 5, 0),
      use(3, 'm1', 6, 1),
    ]);
    await eventually(
      'm1 in both windows',
      () => first.pull(lookup),
      (r) =>
        sorted(r) ===
        JSON.stringify([
          ['m1', 0, 2, 7],
          ['m1', 60_000, 1, 6],
        ]),
    );
    // the aggregates live in Redis, under the query's application id
    const keys = await redis.keys(`ms:{${totals.applicationId}:*`);
    expect(keys.length).toBeGreaterThan(0);
    await first.close();

    const second = cluster.runtime({ stateDir });
    try {
      await second.start(totals);
      await cluster.send('usage', [use(4, 'm1', 10, 0), use(5, 'm1', 1, 1)]);
      // both windows go on from the aggregates kept in Redis
      await eventually(
        'm1 after the restart',
        () => second.pull(lookup),
        (r) =>
          sorted(r) ===
          JSON.stringify([
            ['m1', 0, 3, 17],
            ['m1', 60_000, 2, 7],
          ]),
      );
    } finally {
      await second.close();
    }
  }, 120_000);
});

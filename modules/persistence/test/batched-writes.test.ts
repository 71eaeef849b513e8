import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { AggregateMetric } from '@meterstream/common';
import { type CqlServer, startCqlServer } from '@meterstream/cql-server';
import { testLogger } from '@meterstream/test-support';
import cassandra from 'cassandra-driver';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AggregateDao } from '../src/aggregate-dao.js';
import { batchUnits, executeBounded } from '../src/concurrent.js';
import { CassandraStatementError } from '../src/errors.js';
import { applyMigrations } from '../src/schema.js';

describe('batchUnits', () => {
  const rows = (keys: string[]) => keys.map((k, i) => [k, i]);

  it('one request per row by default', () => {
    expect(batchUnits(rows(['a', 'b', 'a']), undefined)).toEqual([[['a', 0]], [['b', 1]], [['a', 2]]]);
    expect(batchUnits(rows(['a', 'b']), { rows: 1, groupBy: (p) => String(p[0]) })).toHaveLength(2);
  });

  it('without a grouping key: consecutive rows, at most `rows` per batch', () => {
    const units = batchUnits(rows(['a', 'b', 'c', 'd', 'e']), { rows: 2 });
    expect(units).toEqual([
      [
        ['a', 0],
        ['b', 1],
      ],
      [
        ['c', 2],
        ['d', 3],
      ],
      [['e', 4]],
    ]);
  });

  it('with a grouping key: a batch holds rows of one key only, in their order', () => {
    const units = batchUnits(rows(['a', 'b', 'a', 'a', 'b', 'c']), { rows: 2, groupBy: (p) => String(p[0]) });
    expect(units).toEqual([
      [
        ['a', 0],
        ['a', 2],
      ],
      [['a', 3]],
      [
        ['b', 1],
        ['b', 4],
      ],
      [['c', 5]],
    ]);
  });
});

/** Aggregates of `gateways` gateways, `perGateway` consecutive minutes each, across a day boundary. */
function aggregates(gateways: number, perGateway: number, value: number): AggregateMetric[] {
  const start = Date.parse('2006-12-16T23:30:00Z');
  const list: AggregateMetric[] = [];
  for (let g = 0; g < gateways; g++) {
    for (let i = 0; i < perGateway; i++) {
      const windowStart = start + i * 60_000;
      list.push({
        gateway: `gw-${g}`,
        metricType: 'ELECTRICITY',
        metricAttribute: 'ACTIVE_POWER',
        windowStart,
        windowEnd: windowStart + 60_000,
        sampleCount: 60,
        min: value,
        max: value + i,
        sum: value * 60,
        average: value,
      });
    }
  }
  return list;
}

describe('batched writes against the embedded CQL server', () => {
  let server: CqlServer;
  let client: cassandra.Client;
  let dataDir: string;

  beforeAll(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'persistence-batched-'));
    server = await startCqlServer({ port: 0, dataDir, logger: testLogger('cql-server') });
    client = new cassandra.Client({
      contactPoints: [`${server.host}:${server.port}`],
      localDataCenter: 'datacenter1',
    });
    await applyMigrations(client, { keyspace: 'batched' });
  });

  afterAll(async () => {
    await client?.shutdown();
    await server?.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  async function batchRequests(): Promise<number> {
    const metric = await server.metrics.getSingleMetric('cql_requests_total')!.get();
    return metric.values.find((v) => v.labels.opcode === 'batch')?.value ?? 0;
  }

  async function stored(gateways: number): Promise<AggregateMetric[]> {
    const dao = new AggregateDao(client, { keyspace: 'batched' });
    const rows: AggregateMetric[] = [];
    for (let g = 0; g < gateways; g++) {
      const list = await dao.listAggregates({
        gateway: `gw-${g}`,
        metricType: 'ELECTRICITY',
        attribute: 'ACTIVE_POWER',
        window: 60,
        from: Date.parse('2006-12-16T00:00:00Z'),
        to: Date.parse('2006-12-18T00:00:00Z'),
        order: 'asc',
      });
      rows.push(...list);
    }
    return rows;
  }

  for (const grouping of ['partition', 'any'] as const) {
    it(`saveAll with batchRows and ${grouping} grouping stores every row, in BATCH requests`, async () => {
      // 3 gateways × 80 minutes from 23:30: two day buckets per gateway, so six partitions.
      const rows = aggregates(3, 80, grouping === 'partition' ? 1 : 2);
      const dao = new AggregateDao(client, {
        keyspace: 'batched',
        concurrency: 4,
        batchRows: 25,
        batchGrouping: grouping,
      });
      const before = await batchRequests();
      await dao.saveAll(60, rows);
      // partition: 6 partitions of 30 and 50 rows → 2 + 2 batches each; any: 240 / 25 → 10.
      expect((await batchRequests()) - before).toBe(grouping === 'partition' ? 12 : 10);
      expect(await stored(3)).toEqual(rows);
    });
  }

  it('a failing batch rejects with the statement and the batch named', async () => {
    const cql = 'INSERT INTO batched.no_such_table (k, v) VALUES (?, ?)';
    const error = await executeBounded(
      client,
      cql,
      [
        ['a', 1],
        ['b', 2],
      ],
      2,
      { rows: 2 },
    ).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(CassandraStatementError);
    expect((error as CassandraStatementError).message).toMatch(/a batch of 2 of 2 rows.*no_such_table/);
  });
});

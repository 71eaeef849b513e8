import { readdirSync, rmSync } from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import { startCqlServer } from '../src/index.js';
import { newClient, tempDir } from './helpers/fixture.js';

describe('restart from the data directory', () => {
  const dataDir = tempDir('restart');
  afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

  async function session<T>(
    fn: (client: ReturnType<typeof newClient>) => Promise<T>,
    snapshotBytes?: number,
  ) {
    const server = await startCqlServer({ port: 0, dataDir, snapshotBytes });
    const client = newClient(server.port);
    await client.connect();
    try {
      return await fn(client);
    } finally {
      await client.shutdown();
      await server.close();
    }
  }

  it('restores schema (quoted names, clustering order, ALTERs) and data after a clean close', async () => {
    await session(async (c) => {
      await c.execute(
        "CREATE KEYSPACE r WITH replication = {'class': 'SimpleStrategy', 'replication_factor': 1}",
      );
      await c.execute(
        'CREATE TABLE r."Readings" ("Gateway" text, ts timestamp, v double, note text, PRIMARY KEY ("Gateway", ts)) ' +
          "WITH CLUSTERING ORDER BY (ts DESC) AND comment = 'it''s' AND default_time_to_live = 86400",
      );
      for (let i = 0; i < 50; i++) {
        await c.execute(
          'INSERT INTO r."Readings" ("Gateway", ts, v, note) VALUES (?, ?, ?, ?)',
          ['g', new Date(i * 1000), i, `n${i}`],
          {
            prepare: true,
          },
        );
      }
      await c.execute('ALTER TABLE r."Readings" DROP note');
      await c.execute('ALTER TABLE r."Readings" ADD extra int');
      await c.execute(
        'UPDATE r."Readings" SET extra = 7 WHERE "Gateway" = ? AND ts = ?',
        ['g', new Date(0)],
        { prepare: true },
      );
      await c.execute('DELETE FROM r."Readings" WHERE "Gateway" = ? AND ts = ?', ['g', new Date(1000)], {
        prepare: true,
      });
    });
    expect(readdirSync(dataDir).some((f) => f.startsWith('snapshot-'))).toBe(true);

    await session(async (c) => {
      const rs = await c.execute('SELECT * FROM r."Readings" WHERE "Gateway" = ?', ['g'], {
        prepare: true,
        fetchSize: 1000,
      });
      expect(rs.columns.map((col) => col.name)).toEqual(['Gateway', 'ts', 'extra', 'v']);
      expect(rs.rows).toHaveLength(49);
      expect(rs.rows[0].v).toBe(49);
      expect(rs.rows.at(-1)).toMatchObject({ v: 0, extra: 7 });
      const table = await c.metadata.getTable('r', 'Readings');
      expect(table.clusteringOrder).toEqual(['DESC']);
      expect(table.defaultTtl).toBe(86400);
      expect(table.comment).toBe("it's");
    });
  });

  it('replays a log spanning several snapshots taken under write load', async () => {
    // A tiny snapshot threshold forces segment rotations while the writes are in flight.
    await session(async (c) => {
      await c.execute('CREATE TABLE r.kv (k int PRIMARY KEY, v text)');
      const writes = Array.from({ length: 2000 }, (_, i) =>
        c.execute('INSERT INTO r.kv (k, v) VALUES (?, ?)', [i, `v${i}`], { prepare: true }),
      );
      await Promise.all(writes);
    }, 4096);
    await session(async (c) => {
      const rs = await c.execute('SELECT count(*) FROM r.kv');
      expect(Number(rs.rows[0].count)).toBe(2000);
      const one = await c.execute('SELECT v FROM r.kv WHERE k = 1999');
      expect(one.rows[0].v).toBe('v1999');
    });
  });
});

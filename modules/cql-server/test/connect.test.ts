import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Fixture, newClient, startFixture } from './helpers/fixture.js';

describe('cassandra-driver with default options', () => {
  let f: Fixture;
  beforeAll(async () => {
    f = await startFixture('connect');
  });
  afterAll(async () => f?.stop());

  it('negotiates protocol v4 after the driver tried its higher version', async () => {
    const client = newClient(f.server.port);
    const logs: string[] = [];
    client.on('log', (_level: string, _cls: string, message: string) => logs.push(message));
    await client.connect();
    expect(logs).toContain('Protocol 0x42 not supported, using 0x4');
    expect(client.getState().getConnectedHosts()).toHaveLength(1);
    const rs = await client.execute('SELECT release_version FROM system.local');
    expect(rs.rows[0].release_version).toMatch(/^3\./);
    await client.shutdown();
  });

  it('reports the local node in system.local with datacenter1 and no peers', async () => {
    const local = await f.client.execute("SELECT * FROM system.local WHERE key='local'");
    expect(local.rows[0].data_center).toBe('datacenter1');
    expect(local.rows[0].partitioner).toBe('org.apache.cassandra.dht.Murmur3Partitioner');
    const peers = await f.client.execute('SELECT * FROM system.peers');
    expect(peers.rows).toHaveLength(0);
    const host = f.client.hosts.values()[0];
    expect(host.datacenter).toBe('datacenter1');
  });

  it('answers system.peers_v2 with the invalid-request error the driver falls back on', async () => {
    const err = await f.client
      .execute('SELECT * FROM system.peers_v2')
      .catch((e: { code: number; message: string }) => e);
    expect(err).toMatchObject({ code: 0x2200, message: 'unconfigured table peers_v2' });
  });

  it('keeps driver metadata in sync: keyspaces, tables and columns from system_schema', async () => {
    await f.client.execute(
      "CREATE KEYSPACE meta WITH replication = {'class': 'SimpleStrategy', 'replication_factor': 1}",
    );
    await f.client.execute(
      'CREATE TABLE meta.readings (gateway text, bucket int, ts timestamp, seq int, value double, ' +
        'PRIMARY KEY ((gateway, bucket), ts, seq)) WITH CLUSTERING ORDER BY (ts DESC, seq ASC)',
    );
    // The schema-change event and the agreement check let the driver refresh on its own.
    expect(Object.keys(f.client.metadata.keyspaces)).toContain('meta');
    const table = await f.client.metadata.getTable('meta', 'readings');
    expect(table.partitionKeys.map((c: { name: string }) => c.name)).toEqual(['gateway', 'bucket']);
    expect(table.clusteringKeys.map((c: { name: string }) => c.name)).toEqual(['ts', 'seq']);
    expect(table.clusteringOrder).toEqual(['DESC', 'ASC']);
    expect(table.columns.map((c: { name: string }) => c.name).sort()).toEqual([
      'bucket',
      'gateway',
      'seq',
      'ts',
      'value',
    ]);
  });

  it('pushes schema change events to a registered connection', async () => {
    // Another client changes the schema: f.client can only learn about it from the EVENT frame
    // pushed on its control connection (the driver refreshes its metadata on that event).
    const other = newClient(f.server.port);
    await other.connect();
    await other.execute(
      "CREATE KEYSPACE evented WITH replication = {'class': 'SimpleStrategy', 'replication_factor': 1}",
    );
    await expect
      .poll(() => Object.keys(f.client.metadata.keyspaces).includes('evented'), { timeout: 15_000 })
      .toBe(true);
    await other.execute('DROP KEYSPACE evented');
    await expect
      .poll(() => Object.keys(f.client.metadata.keyspaces).includes('evented'), { timeout: 15_000 })
      .toBe(false);
    await other.shutdown();
  });

  it('switches keyspace with USE', async () => {
    const rs = await f.client.execute('USE meta');
    expect(rs.rows ?? []).toHaveLength(0);
    await f.client.execute(
      "INSERT INTO readings (gateway, bucket, ts, seq, value) VALUES ('g', 1, '2024-01-01T00:00:00Z', 1, 2.5)",
    );
    const read = await f.client.execute(
      'SELECT value FROM meta.readings WHERE gateway = ? AND bucket = ?',
      ['g', 1],
      {
        prepare: true,
      },
    );
    expect(read.rows[0].value).toBe(2.5);
  });
});

import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { startCqlServer } from '../src/index.js';
import { newClient, tempDir } from './helpers/fixture.js';

/** host_id as system.local reports it and as the driver's host list knows it; plus system.peers. */
async function identity(dataDir: string): Promise<{ local: string; driver: string[]; peers: number }> {
  const server = await startCqlServer({ port: 0, dataDir });
  const client = newClient(server.port);
  try {
    await client.connect();
    const local = await client.execute('SELECT host_id FROM system.local');
    const peers = await client.execute('SELECT * FROM system.peers');
    return {
      local: String(local.rows[0].host_id),
      driver: client.hosts.values().map((h) => String(h.hostId)),
      peers: peers.rows.length,
    };
  } finally {
    await client.shutdown();
    await server.close();
  }
}

describe('host_id', () => {
  const dirs = [tempDir('hostid-a'), tempDir('hostid-b')];
  afterAll(() => {
    for (const d of dirs) rmSync(d, { recursive: true, force: true });
  });

  it('stays the same across restarts on one data directory, so drivers see the same node', async () => {
    const first = await identity(dirs[0]);
    expect(first.driver).toEqual([first.local]);
    expect(readFileSync(join(dirs[0], 'host-id'), 'utf8').trim()).toBe(first.local);
    const second = await identity(dirs[0]);
    expect(second).toEqual(first);
    expect(second.peers).toBe(0);
  });

  it('differs between data directories', async () => {
    const a = await identity(dirs[0]);
    const b = await identity(dirs[1]);
    expect(b.local).not.toBe(a.local);
  });

  it('a host-id file that is not a UUID stops the start with an error naming the file', async () => {
    const dir = tempDir('hostid-bad');
    dirs.push(dir);
    writeFileSync(join(dir, 'host-id'), 'not-a-uuid\n');
    await expect(startCqlServer({ port: 0, dataDir: dir })).rejects.toThrow(join(dir, 'host-id'));
  });
});

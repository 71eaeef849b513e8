import { testLogger } from '@meterstream/test-support';
import { readdirSync, rmSync } from 'node:fs';
import { DirectoryLockedError } from '@meterstream/dir-lock';
import { afterAll, describe, expect, it } from 'vitest';
import { startCqlServer } from '../src/index.js';
import { newClient, tempDir } from './helpers/fixture.js';

describe('data directory lock', () => {
  const dataDir = tempDir('dir-lock');
  afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

  it('a second server on a live data directory is refused before it reads or writes anything', async () => {
    const first = await startCqlServer({ port: 0, dataDir });
    try {
      const before = readdirSync(dataDir).sort();
      const error = await startCqlServer({ port: 0, dataDir }).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(DirectoryLockedError);
      expect((error as DirectoryLockedError).message).toContain(
        `process ${process.pid} (meterstream cql-server`,
      );
      expect(readdirSync(dataDir).sort()).toEqual(before);
      const client = newClient(first.port);
      await client.connect();
      const rs = await client.execute('SELECT release_version FROM system.local');
      expect(rs.rows).toHaveLength(1);
      await client.shutdown();
    } finally {
      await first.close();
    }
  });

  it('a server that cannot listen releases its directory', async () => {
    const holder = await startCqlServer({ port: 0 });
    try {
      const logger = testLogger();
      await expect(startCqlServer({ port: holder.port, dataDir, logger })).rejects.toThrow(/EADDRINUSE/);
      const next = await startCqlServer({ port: 0, dataDir });
      await next.close();
    } finally {
      await holder.close();
    }
  });
});

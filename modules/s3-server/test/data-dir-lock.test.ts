import { testLogger } from '@meterstream/test-support';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DirectoryLockedError } from '@meterstream/dir-lock';
import { afterAll, describe, expect, it } from 'vitest';
import { startS3Server } from '../src/index.js';

const logger = testLogger();
const root = mkdtempSync(join(tmpdir(), 's3-dir-lock-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

describe('data directory lock', () => {
  it('a second server on a live data directory is refused before it reads or writes anything', async () => {
    const dataDir = join(root, 'live');
    const first = await startS3Server({ port: 0, dataDir, bucket: 'lake', logger, fsync: false });
    try {
      const before = readdirSync(dataDir, { recursive: true }).sort();
      const error = await startS3Server({ port: 0, dataDir, bucket: 'other', logger }).catch(
        (e: unknown) => e,
      );
      expect(error).toBeInstanceOf(DirectoryLockedError);
      expect((error as DirectoryLockedError).message).toContain(
        `process ${process.pid} (meterstream s3-server`,
      );
      expect(readdirSync(dataDir, { recursive: true }).sort()).toEqual(before);
    } finally {
      await first.close();
    }
    const again = await startS3Server({ port: 0, dataDir, bucket: 'other', logger, fsync: false });
    await again.close();
  });

  it('a server that cannot listen releases its directory', async () => {
    const holder = await startS3Server({ port: 0, dataDir: join(root, 'holder'), logger, fsync: false });
    try {
      const dataDir = join(root, 'port-taken');
      await expect(startS3Server({ port: holder.port, dataDir, logger })).rejects.toThrow(/EADDRINUSE/);
      const next = await startS3Server({ port: 0, dataDir, logger, fsync: false });
      await next.close();
    } finally {
      await holder.close();
    }
  });
});

import { testLogger } from '@meterstream/test-support';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DirectoryLockedError } from '@meterstream/dir-lock';
import { afterAll, describe, expect, it } from 'vitest';
import { startBroker, startSchemaRegistry } from '../src/index.js';
import { kafkaClient } from './helpers/broker.js';

const logger = testLogger();
const root = mkdtempSync(join(tmpdir(), 'broker-dir-lock-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

describe('data directory lock', () => {
  it('a second broker on a live data directory is refused; the first keeps serving; after close it opens again', async () => {
    const dataDir = join(root, 'kafka');
    const first = await startBroker({ port: 0, dataDir, logger });
    try {
      const error = await startBroker({ port: 0, dataDir, logger }).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(DirectoryLockedError);
      expect((error as DirectoryLockedError).message).toContain(`process ${process.pid} (meterstream broker`);
      const admin = kafkaClient(first.bootstrap).admin();
      await admin.connect();
      await admin.createTopics({ topics: [{ topic: 'still-served', numPartitions: 1 }] });
      expect(await admin.listTopics()).toContain('still-served');
      await admin.disconnect();
    } finally {
      await first.close();
    }
    const again = await startBroker({ port: 0, dataDir, logger });
    await again.close();
  });

  it('a second Schema Registry on a live data directory is refused', async () => {
    const dataDir = join(root, 'registry');
    const first = await startSchemaRegistry({ port: 0, dataDir, logger });
    try {
      const error = await startSchemaRegistry({ port: 0, dataDir, logger }).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(DirectoryLockedError);
      expect((error as DirectoryLockedError).message).toContain('meterstream schema registry');
      const res = await fetch(`${first.url}/subjects`);
      expect(res.status).toBe(200);
    } finally {
      await first.close();
    }
    const again = await startSchemaRegistry({ port: 0, dataDir, logger });
    await again.close();
  });

  it('a registry that cannot listen releases its directory', async () => {
    const dataDir = join(root, 'registry-port-taken');
    const holder = await startSchemaRegistry({ port: 0, dataDir: join(root, 'other'), logger });
    try {
      await expect(startSchemaRegistry({ port: holder.port, dataDir, logger })).rejects.toThrow(/EADDRINUSE/);
      const next = await startSchemaRegistry({ port: 0, dataDir, logger });
      await next.close();
    } finally {
      await holder.close();
    }
  });
});

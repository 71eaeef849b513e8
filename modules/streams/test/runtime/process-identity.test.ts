import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DirectoryLockedError } from '@meterstream/dir-lock';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  PROCESS_METADATA_FILE,
  ProcessMetadataError,
  acquireProcessIdentity,
} from '../../src/runtime/process-identity.js';

let stateDir: string;

beforeEach(() => {
  stateDir = mkdtempSync(join(tmpdir(), 'ms-state-'));
});
afterEach(() => {
  rmSync(stateDir, { recursive: true, force: true });
});

describe('process identity in the state directory', () => {
  it('keeps one process id per application across restarts', async () => {
    const first = await acquireProcessIdentity(stateDir, 'app');
    await first.release();
    const again = await acquireProcessIdentity(stateDir, 'app');
    await again.release();
    const other = await acquireProcessIdentity(stateDir, 'other-app');
    await other.release();
    expect(again.processId).toBe(first.processId);
    expect(other.processId).not.toBe(first.processId);
  });

  it('refuses a second instance on the same state directory while the first runs, naming the holder', async () => {
    const running = await acquireProcessIdentity(stateDir, 'app');
    try {
      const second = acquireProcessIdentity(stateDir, 'app');
      await expect(second).rejects.toBeInstanceOf(DirectoryLockedError);
      await expect(second).rejects.toThrow(new RegExp(`${join(stateDir, 'app')}.*process ${process.pid}`));
    } finally {
      await running.release();
    }
  });

  it('refuses a damaged process metadata file instead of starting as someone new', async () => {
    const first = await acquireProcessIdentity(stateDir, 'app');
    await first.release();
    writeFileSync(join(stateDir, 'app', PROCESS_METADATA_FILE), '{"processId": 42}');
    await expect(acquireProcessIdentity(stateDir, 'app')).rejects.toBeInstanceOf(ProcessMetadataError);
    // The lock was released with the failure.
    writeFileSync(join(stateDir, 'app', PROCESS_METADATA_FILE), `{"processId":"${first.processId}"}`);
    const again = await acquireProcessIdentity(stateDir, 'app');
    await again.release();
    expect(again.processId).toBe(first.processId);
  });
});

import { testLogger } from '@meterstream/test-support';
import { execFile } from 'node:child_process';
import { existsSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { startCqlServer } from '../src/index.js';
import { tempDir } from './helpers/fixture.js';

const PYTHON = '/usr/bin/python3';
const SCRIPT = join(import.meta.dirname, 'fixtures', 'python_driver.py');

interface Seen {
  order: string[];
  batchError: string | null;
  applied: string[];
  hostId: string;
}

/** Runs the DataStax Python driver (Debian python3-cassandra) against a server on `port`. */
async function pythonDriver(port: number): Promise<Seen> {
  if (!existsSync(PYTHON)) throw new Error(`${PYTHON} is missing: install Debian's python3-cassandra`);
  const { stdout } = await promisify(execFile)(PYTHON, [SCRIPT, String(port)], { timeout: 60_000 });
  return JSON.parse(stdout.trim().split('\n').at(-1)!) as Seen;
}

describe('the Python driver (python3-cassandra) over TCP', () => {
  const dataDir = tempDir('python-driver');
  afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

  it('sees doubles in Cassandra order (NaN last, -0.0 before 0.0, no row merged), an all-or-nothing logged batch and a host_id that survives a restart', async () => {
    const logger = testLogger();
    const first = await startCqlServer({ port: 0, dataDir, logger });
    let seen: Seen;
    try {
      seen = await pythonDriver(first.port);
    } finally {
      await first.close();
    }
    expect(seen.order).toEqual(['-inf', '-2.0', '-0.0', '0.0', '1.5', 'inf', 'NaN']);
    expect(seen.batchError).toBe('InvalidRequest');
    expect(seen.applied).toEqual([]);
    const again = await startCqlServer({ port: 0, dataDir, logger });
    try {
      const after = await pythonDriver(again.port);
      expect(after.hostId).toBe(seen.hostId);
    } finally {
      await again.close();
    }
  }, 120_000);
});

import { execFile } from 'node:child_process';
import { existsSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { CQL_SUPERUSER, startCqlAuthServer } from '@meterstream/test-support';
import { afterAll, describe, expect, it } from 'vitest';
import type { CqlServer } from '../src/index.js';
import { tempDir } from './helpers/fixture.js';

const PYTHON = '/usr/bin/python3';
const SCRIPT = join(import.meta.dirname, 'fixtures', 'python_auth.py');

interface Refusal {
  error: string;
  inner: string;
  message: string;
}

describe('the Python driver (python3-cassandra) with PlainTextAuthProvider', () => {
  const dataDir = tempDir('auth-python');
  let server: CqlServer | undefined;
  afterAll(async () => {
    await server?.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('logs in, is refused without credentials / with a wrong password / as an unknown user, and gets Unauthorized without the grant (nothing written)', async () => {
    if (!existsSync(PYTHON)) throw new Error(`${PYTHON} is missing: install Debian's python3-cassandra`);
    server = await startCqlAuthServer(dataDir);
    const { stdout } = await promisify(execFile)(PYTHON, [SCRIPT, String(server.port)], {
      timeout: 90_000,
      env: { ...process.env, PY_CQL_USER: CQL_SUPERUSER.username, PY_CQL_PASSWORD: CQL_SUPERUSER.password },
    });
    const seen = JSON.parse(stdout.trim().split('\n').at(-1)!) as Record<string, unknown>;
    expect(seen.noCredentials).toMatchObject({ error: 'NoHostAvailable', inner: 'AuthenticationFailed' });
    const wrong = seen.wrongPassword as Refusal;
    expect(wrong).toMatchObject({ error: 'NoHostAvailable', inner: 'AuthenticationFailed' });
    expect(wrong.message).toContain('Provided username pyuser and/or password are incorrect');
    expect((seen.unknownUser as Refusal).message).toContain(
      'Provided username nobody and/or password are incorrect',
    );
    expect(seen.userRead).toEqual(['by admin']);
    expect(seen.userWrite).toMatchObject({ error: 'Unauthorized' });
    expect((seen.userWrite as { message: string }).message).toContain(
      'User pyuser has no MODIFY permission on <table pa.t> or any of its parents',
    );
    expect(seen.rowsAfter).toEqual([1]);
  }, 120_000);
});

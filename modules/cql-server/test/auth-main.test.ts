import { type ChildProcess, spawn } from 'node:child_process';
import { rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { selfSignedCert } from '@meterstream/test-support';
import { afterAll, describe, expect, it } from 'vitest';
import { authClient, connectError, withClient } from './helpers/auth-fixture.js';
import { tempDir } from './helpers/fixture.js';

const MAIN = resolve(import.meta.dirname, '../dist/main.js');

/** `meterstream-cql-server` in its own process; resolves with its port, rejects with its stderr. */
function startMain(args: string[]): Promise<{ proc: ChildProcess; port: number; output: () => string }> {
  const proc = spawn(process.execPath, [MAIN, '--port', '0', '--log-level', 'warn', ...args], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  proc.stderr!.on('data', (d: Buffer) => {
    output += d.toString();
  });
  const lines = createInterface({ input: proc.stdout! });
  return new Promise((ok, fail) => {
    proc.once('exit', (code) => fail(new Error(`cql server exited with ${code}: ${output}`)));
    lines.on('line', (line) => {
      output += `${line}\n`;
      if (line.startsWith('{"event":"listening"'))
        ok({ proc, port: (JSON.parse(line) as { port: number }).port, output: () => output });
    });
  });
}

function stop(proc: ChildProcess): Promise<void> {
  return new Promise((ok) => {
    if (proc.exitCode !== null || proc.signalCode !== null) return ok();
    proc.once('exit', () => ok());
    proc.kill('SIGTERM');
  });
}

describe('meterstream-cql-server flags (needs `npx tsc -b modules/cql-server`)', () => {
  const dir = tempDir('auth-main');
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('--authenticator PasswordAuthenticator with --superuser-credentials-file and --tls-cert/--tls-key: TLS logins work, the password is in no argument or log', async () => {
    const { certFile, keyFile, cert } = selfSignedCert(dir);
    const credentials = join(dir, 'superuser.credentials');
    const password = 'from-a-file-only';
    writeFileSync(credentials, `# bootstrap superuser\nusername=root\npassword=${password}\n`, {
      mode: 0o600,
    });
    const server = await startMain([
      '--data-dir',
      join(dir, 'data'),
      '--authenticator',
      'org.apache.cassandra.auth.PasswordAuthenticator',
      '--superuser-credentials-file',
      credentials,
      '--tls-cert',
      certFile,
      '--tls-key',
      keyFile,
    ]);
    try {
      expect(server.proc.spawnargs.join(' ')).not.toContain(password);
      const sslOptions = { ca: [cert], rejectUnauthorized: true };
      const roles = await withClient(
        server.port,
        { username: 'root', password },
        async (c) => (await c.execute('LIST ROLES')).rows.map((r) => r.get('role')),
        { sslOptions },
      );
      expect(roles).toEqual(['root']);
      const wrong = await connectError(
        authClient(server.port, { username: 'root', password: 'nope' }, { sslOptions }),
      );
      expect(wrong.inner.message).toContain('Provided username root and/or password are incorrect');
    } finally {
      await stop(server.proc);
    }
    expect(server.output()).not.toContain(password);
  }, 60_000);

  it('refuses to start PasswordAuthenticator without any superuser, naming how to give one', async () => {
    await expect(
      startMain(['--data-dir', join(dir, 'empty'), '--authenticator', 'PasswordAuthenticator']),
    ).rejects.toThrow(
      /needs a superuser who can log in: give one with --superuser-credentials-file or CQL_SUPERUSER_USERNAME/,
    );
  });
});

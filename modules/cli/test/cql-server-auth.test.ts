import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import cassandra from 'cassandra-driver';
import { afterAll, describe, expect, it } from 'vitest';
import { runCli, waitForProcess } from './helpers/cli-process.js';

describe('meterstream cql-server --authenticator PasswordAuthenticator', () => {
  const dir = mkdtempSync(join(tmpdir(), 'ms-cql-auth-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('creates the superuser from the credentials file and refuses clients without its password', async () => {
    const credentials = join(dir, 'superuser.credentials');
    writeFileSync(credentials, 'username=root\npassword=cli-secret-pw\n', { mode: 0o600 });
    const server = runCli(
      [
        'cql-server',
        '--port',
        '0',
        '--authenticator',
        'PasswordAuthenticator',
        '--superuser-credentials-file',
        credentials,
      ],
      { METERSTREAM_DATA_DIR: dir },
    );
    try {
      await waitForProcess(
        server,
        'the CQL server to listen',
        () => /listening on [\d.]+:\d+/.test(server.output()),
        60_000,
      );
      const port = Number(/listening on [\d.]+:(\d+)/.exec(server.output())![1]);
      const connect = async (password: string) => {
        const client = new cassandra.Client({
          contactPoints: [`127.0.0.1:${port}`],
          localDataCenter: 'datacenter1',
          authProvider: new cassandra.auth.PlainTextAuthProvider('root', password),
        });
        try {
          return (await client.execute('LIST ROLES')).rows.map((r) => r.get('role') as string);
        } finally {
          await client.shutdown();
        }
      };
      expect(await connect('cli-secret-pw')).toEqual(['root']);
      await expect(connect('wrong')).rejects.toThrow(/Provided username root and\/or password are incorrect/);
      expect(server.output()).not.toContain('cli-secret-pw');
    } finally {
      server.kill('SIGTERM');
      await server.exited;
    }
  }, 90_000);
});

import { rmSync } from 'node:fs';
import { CQL_SUPERUSER, startCqlAuthServer } from '@meterstream/test-support';
import { afterAll, describe, expect, it } from 'vitest';
import type { CqlServer } from '../src/index.js';
import { authClient, connectError, withClient } from './helpers/auth-fixture.js';
import { tempDir } from './helpers/fixture.js';

/**
 * The bootstrap superuser across restarts: kept as stored by default (ALTER ROLE wins over the
 * configuration), replaced by the configured password with `resetPassword` (an operator's rotation,
 * as `meterstream up --secure --rotate-passwords` does).
 */
describe('bootstrap superuser password on restart', () => {
  const dataDir = tempDir('auth-superuser-reset');
  let server: CqlServer | undefined;
  afterAll(async () => {
    await server?.close();
    rmSync(dataDir, { recursive: true, force: true });
  });
  const login = (password: string) => ({ username: CQL_SUPERUSER.username, password });
  const canLogIn = (password: string) =>
    withClient(server!.port, login(password), async (c) => {
      return (await c.execute('SELECT release_version FROM system.local')).rowLength;
    });

  it('keeps the stored password without resetPassword, takes the configured one with it', async () => {
    server = await startCqlAuthServer(dataDir);
    await withClient(server.port, CQL_SUPERUSER, (c) =>
      c.execute(`ALTER ROLE ${CQL_SUPERUSER.username} WITH PASSWORD = 'altered-pw-1'`),
    );
    await server.close();

    // the configuration still says admin-secret-1: the stored (altered) password stays
    server = await startCqlAuthServer(dataDir);
    expect(await canLogIn('altered-pw-1')).toBe(1);
    const refused = await connectError(authClient(server.port, CQL_SUPERUSER));
    expect(refused.inner.message).toContain('and/or password are incorrect');
    await server.close();

    server = await startCqlAuthServer(dataDir, {
      superuser: { ...login('rotated-pw-2'), resetPassword: true },
    });
    expect(await canLogIn('rotated-pw-2')).toBe(1);
    const old = await connectError(authClient(server.port, login('altered-pw-1')));
    expect(old.inner.name).toBe('AuthenticationError');
    expect(old.inner.message).toContain('and/or password are incorrect');
    // still a superuser: it may create roles
    await withClient(server.port, login('rotated-pw-2'), (c) =>
      c.execute("CREATE ROLE someone WITH PASSWORD = 'someone-pw' AND LOGIN = true"),
    );
  }, 60_000);
});

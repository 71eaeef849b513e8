import { rmSync } from 'node:fs';
import { CQL_SUPERUSER, startCqlAuthServer } from '@meterstream/test-support';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CqlServer } from '../src/index.js';
import { authClient, connectError, withClient } from './helpers/auth-fixture.js';
import { tempDir } from './helpers/fixture.js';
import { OP, RawCql, plainAuthBody, queryBody, readError, startupBody } from './helpers/raw-cql.js';

const KS = `CREATE KEYSPACE IF NOT EXISTS app WITH replication = {'class': 'SimpleStrategy', 'replication_factor': 1}`;

describe('PasswordAuthenticator over the native protocol', () => {
  const dataDir = tempDir('auth-login');
  let server: CqlServer;

  beforeAll(async () => {
    server = await startCqlAuthServer(dataDir);
    await withClient(server.port, CQL_SUPERUSER, async (c) => {
      await c.execute(KS);
      await c.execute('CREATE TABLE IF NOT EXISTS app.t (k int PRIMARY KEY, v text)');
      await c.execute("CREATE ROLE bob WITH PASSWORD = 'bob-pw' AND LOGIN = true");
      await c.execute("CREATE ROLE nologin WITH PASSWORD = 'x-pw' AND LOGIN = false");
    });
  });
  afterAll(async () => {
    await server.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('lets the superuser and a LOGIN role in with cassandra-driver PlainTextAuthProvider', async () => {
    const version = await withClient(server.port, CQL_SUPERUSER, async (c) => {
      await c.execute("INSERT INTO app.t (k, v) VALUES (1, 'one')");
      return (await c.execute('SELECT release_version FROM system.local')).first().get('release_version');
    });
    expect(version).toBe('3.11.10');
    // bob has no grant on app.t, but may connect and read the system tables drivers need.
    const peers = await withClient(
      server.port,
      { username: 'bob', password: 'bob-pw' },
      async (c) => (await c.execute('SELECT * FROM system.peers')).rowLength,
    );
    expect(peers).toBe(0);
  });

  it('refuses a client without credentials, a wrong password, an unknown user and a role without LOGIN', async () => {
    const none = await connectError(authClient(server.port, null));
    expect(none.name).toBe('NoHostAvailableError');
    expect(none.inner.name).toBe('AuthenticationError');

    const wrong = await connectError(authClient(server.port, { username: 'bob', password: 'not-it' }));
    expect(wrong.inner.name).toBe('AuthenticationError');
    expect(wrong.inner.message).toContain('Provided username bob and/or password are incorrect');

    const unknown = await connectError(authClient(server.port, { username: 'mallory', password: 'bob-pw' }));
    expect(unknown.inner.message).toContain('Provided username mallory and/or password are incorrect');

    const nologin = await connectError(authClient(server.port, { username: 'nologin', password: 'x-pw' }));
    expect(nologin.inner.message).toContain('nologin is not permitted to log in');

    // The server still serves logged-in clients.
    const rows = await withClient(
      server.port,
      CQL_SUPERUSER,
      async (c) => (await c.execute('SELECT * FROM app.t')).rowLength,
    );
    expect(rows).toBe(1);
  });

  it('answers AUTHENTICATE, refuses a query before the login with a protocol error (0x000A, connection kept), then Bad credentials (0x0100), then AUTH_SUCCESS', async () => {
    const raw = await RawCql.open(server.port);
    try {
      const auth = await raw.request(1, OP.startup, startupBody());
      expect(auth.opcode).toBe(OP.authenticate);
      expect(auth.body.subarray(2).toString()).toBe('org.apache.cassandra.auth.PasswordAuthenticator');

      const early = await raw.request(
        2,
        OP.query,
        queryBody("INSERT INTO app.t (k, v) VALUES (66, 'sneaky')"),
      );
      expect(early.opcode).toBe(OP.error);
      expect(readError(early.body)).toEqual({
        code: 0x000a,
        message: 'Unexpected message QUERY, expecting SASL_RESPONSE',
      });

      const bad = await raw.request(3, OP.authResponse, plainAuthBody(CQL_SUPERUSER.username, 'guess'));
      expect(bad.opcode).toBe(OP.error);
      expect(readError(bad.body)).toEqual({
        code: 0x0100,
        message: `Provided username ${CQL_SUPERUSER.username} and/or password are incorrect`,
      });
      const stillEarly = await raw.request(4, OP.query, queryBody('SELECT * FROM app.t'));
      expect(readError(stillEarly.body).code).toBe(0x000a);

      const ok = await raw.request(
        5,
        OP.authResponse,
        plainAuthBody(CQL_SUPERUSER.username, CQL_SUPERUSER.password),
      );
      expect(ok.opcode).toBe(OP.authSuccess);
      const select = await raw.request(6, OP.query, queryBody('SELECT * FROM app.t WHERE k = 66'));
      expect(select.opcode).toBe(OP.result);
      // Rows result: kind 2, flags, column count 2, global spec, 2 columns, then the row count.
      expect(select.body.readInt32BE(0)).toBe(2);
      expect(select.body.readInt32BE(select.body.length - 4)).toBe(0);
      expect(raw.closed).toBe(false);
    } finally {
      raw.close();
    }
  });

  it('changes a password with ALTER ROLE: the old one stops working', async () => {
    await withClient(server.port, { username: 'bob', password: 'bob-pw' }, (c) =>
      c.execute("ALTER ROLE bob WITH PASSWORD = 'bob-pw-2'"),
    );
    const old = await connectError(authClient(server.port, { username: 'bob', password: 'bob-pw' }));
    expect(old.inner.message).toContain('Provided username bob and/or password are incorrect');
    await withClient(server.port, { username: 'bob', password: 'bob-pw-2' }, (c) =>
      c.execute('SELECT * FROM system.local'),
    );
  });

  it('delays a role’s attempts from one address after 5 failures in a row (before checking them); a success resets it; other roles are not delayed', async () => {
    await withClient(server.port, CQL_SUPERUSER, (c) =>
      c.execute("CREATE ROLE guessme WITH PASSWORD = 'right' AND LOGIN = true"),
    );
    const delays = async () =>
      (await server.metrics.getSingleMetric('cql_failed_login_delays_total')!.get()).values[0]?.value ?? 0;
    const before = await delays();
    const raw = await RawCql.open(server.port);
    try {
      expect((await raw.request(1, OP.startup, startupBody())).opcode).toBe(OP.authenticate);
      for (let i = 0; i < 5; i++) {
        const f = await raw.request(2, OP.authResponse, plainAuthBody('guessme', `wrong-${i}`));
        expect(readError(f.body).code).toBe(0x0100);
      }
      expect(await delays()).toBe(before);
      const sixth = await raw.request(3, OP.authResponse, plainAuthBody('guessme', 'wrong-again'));
      expect(readError(sixth.body).code).toBe(0x0100);
      expect(await delays()).toBe(before + 1);
      // Another role from the same address is not slowed down by guessme's failures.
      await withClient(server.port, CQL_SUPERUSER, (c) => c.execute('SELECT * FROM system.local'));
      expect(await delays()).toBe(before + 1);
      // The right password still gets in (after its delay) and clears the count.
      expect((await raw.request(4, OP.authResponse, plainAuthBody('guessme', 'right'))).opcode).toBe(
        OP.authSuccess,
      );
      expect(await delays()).toBe(before + 2);
    } finally {
      raw.close();
    }
    const again = await RawCql.open(server.port);
    try {
      await again.request(1, OP.startup, startupBody());
      const f = await again.request(2, OP.authResponse, plainAuthBody('guessme', 'wrong'));
      expect(readError(f.body).code).toBe(0x0100);
      expect(await delays()).toBe(before + 2);
    } finally {
      again.close();
    }
  });
});

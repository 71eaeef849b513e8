import { readFileSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { CQL_SUPERUSER, startCqlAuthServer } from '@meterstream/test-support';
import { afterAll, describe, expect, it } from 'vitest';
import type { CqlServer } from '../src/index.js';
import { withClient } from './helpers/auth-fixture.js';
import { failure, tempDir } from './helpers/fixture.js';

const BOB = { username: 'bob', password: 'bob-pw' };
const DAVE = { username: 'dave', password: 'dave-pw' };
const unauthorizedOn = (user: string, p: string, resource: string) =>
  `User ${user} has no ${p} permission on ${resource} or any of its parents`;

describe('roles and grants (CassandraAuthorizer semantics), persisted across a restart', () => {
  const dataDir = tempDir('auth-grants');
  let server: CqlServer | undefined;
  afterAll(async () => {
    await server?.close();
    rmSync(dataDir, { recursive: true, force: true });
  });
  const asAdmin = <T>(fn: Parameters<typeof withClient<T>>[2]) => withClient(server!.port, CQL_SUPERUSER, fn);
  const countRows = (table: string) =>
    asAdmin(async (c) => (await c.execute(`SELECT * FROM ${table}`)).rowLength);

  it('refuses a role without the grant with Unauthorized (0x2100) and writes nothing; grants open exactly what they name', async () => {
    server = await startCqlAuthServer(dataDir);
    await asAdmin(async (c) => {
      await c.execute(
        "CREATE KEYSPACE app WITH replication = {'class': 'SimpleStrategy', 'replication_factor': 1}",
      );
      await c.execute('CREATE TABLE app.t (k int PRIMARY KEY, v text)');
      await c.execute('CREATE TABLE app.u (k int PRIMARY KEY, v text)');
      await c.execute("CREATE ROLE bob WITH PASSWORD = 'bob-pw' AND LOGIN = true");
    });

    await withClient(server.port, BOB, async (c) => {
      const insert = await failure(c.execute("INSERT INTO app.t (k, v) VALUES (1, 'x')"));
      expect(insert).toMatchObject({
        code: 0x2100,
        message: unauthorizedOn('bob', 'MODIFY', '<table app.t>'),
      });
      const prepared = await failure(
        c.execute('UPDATE app.t SET v = ? WHERE k = ?', ['y', 2], { prepare: true }),
      );
      expect(prepared.code).toBe(0x2100);
      const batch = await failure(
        c.batch([
          { query: "INSERT INTO app.t (k, v) VALUES (3, 'z')" },
          { query: "INSERT INTO app.u (k, v) VALUES (3, 'z')" },
        ]),
      );
      expect(batch.code).toBe(0x2100);
      const select = await failure(c.execute('SELECT * FROM app.t'));
      expect(select).toMatchObject({
        code: 0x2100,
        message: unauthorizedOn('bob', 'SELECT', '<table app.t>'),
      });
      const create = await failure(c.execute('CREATE TABLE app.v (k int PRIMARY KEY)'));
      expect(create.message).toBe(unauthorizedOn('bob', 'CREATE', '<keyspace app>'));
      const drop = await failure(c.execute('DROP TABLE app.t'));
      expect(drop.message).toBe(unauthorizedOn('bob', 'DROP', '<table app.t>'));
      const grant = await failure(c.execute('GRANT SELECT ON TABLE app.t TO bob'));
      expect(grant.message).toBe(unauthorizedOn('bob', 'AUTHORIZE', '<table app.t>'));
      const role = await failure(c.execute("CREATE ROLE eve WITH PASSWORD = 'e' AND LOGIN = true"));
      expect(role.code).toBe(0x2100);
    });
    expect(await countRows('app.t')).toBe(0);
    expect(await countRows('app.u')).toBe(0);
    expect((await asAdmin((c) => c.execute('LIST ROLES'))).rows.map((r) => r.get('role'))).toEqual([
      'admin',
      'bob',
    ]);

    await asAdmin((c) => c.execute('GRANT SELECT ON TABLE app.t TO bob'));
    await withClient(server.port, BOB, async (c) => {
      expect((await c.execute('SELECT * FROM app.t')).rowLength).toBe(0);
      expect((await failure(c.execute('SELECT * FROM app.u'))).code).toBe(0x2100);
      expect((await failure(c.execute("INSERT INTO app.t (k, v) VALUES (1, 'x')"))).code).toBe(0x2100);
    });

    // A keyspace grant covers every table in it; a REVOKE applies to statements already prepared.
    await asAdmin((c) => c.execute('GRANT MODIFY ON KEYSPACE app TO bob'));
    await withClient(server.port, BOB, async (c) => {
      await c.execute('INSERT INTO app.t (k, v) VALUES (?, ?)', [1, 'one'], { prepare: true });
      await c.execute("INSERT INTO app.u (k, v) VALUES (1, 'one')");
      await asAdmin((a) => a.execute('REVOKE MODIFY ON KEYSPACE app FROM bob'));
      const again = await failure(
        c.execute('INSERT INTO app.t (k, v) VALUES (?, ?)', [2, 'two'], { prepare: true }),
      );
      expect(again.code).toBe(0x2100);
    });
    expect(await countRows('app.t')).toBe(1);
    expect(await countRows('app.u')).toBe(1);
  });

  it('manages roles with Cassandra’s errors, grants creators their objects and lists permissions', async () => {
    await asAdmin(async (c) => {
      expect(
        await failure(c.execute("CREATE ROLE bob WITH PASSWORD = 'again' AND LOGIN = true")),
      ).toMatchObject({
        code: 0x2200,
        message: 'bob already exists',
      });
      await c.execute("CREATE ROLE IF NOT EXISTS bob WITH PASSWORD = 'again' AND LOGIN = true");
      expect((await failure(c.execute('DROP ROLE ghost'))).message).toBe("ghost doesn't exist");
      await c.execute('DROP ROLE IF EXISTS ghost');
      expect((await failure(c.execute('GRANT SELECT ON TABLE app.t TO ghost'))).message).toBe(
        "ghost doesn't exist",
      );
      expect((await failure(c.execute('GRANT SELECT ON KEYSPACE nope TO bob'))).message).toBe(
        "<keyspace nope> doesn't exist",
      );
      expect((await failure(c.execute('GRANT CREATE ON TABLE app.t TO bob'))).code).toBe(0x2200);
      expect((await failure(c.execute(`DROP ROLE ${CQL_SUPERUSER.username}`))).message).toBe(
        'Cannot DROP primary role for current login',
      );
      await c.execute("CREATE ROLE dave WITH PASSWORD = 'dave-pw' AND LOGIN = true AND SUPERUSER = false");
      await c.execute('GRANT CREATE ON ALL KEYSPACES TO dave');
      await c.execute("CREATE ROLE temp WITH PASSWORD = 'temp-pw' AND LOGIN = true");
      await c.execute('GRANT SELECT ON KEYSPACE app TO temp');
      await c.execute('DROP ROLE temp');
      const roles = (await c.execute('LIST ROLES')).rows.map((r) => [
        r.get('role'),
        r.get('super'),
        r.get('login'),
      ]);
      expect(roles).toEqual([
        ['admin', true, true],
        ['bob', false, true],
        ['dave', false, true],
      ]);
    });
    // dave may create a keyspace; as its creator he then holds every permission on it.
    await withClient(server!.port, DAVE, async (c) => {
      await c.execute(
        "CREATE KEYSPACE dk WITH replication = {'class': 'SimpleStrategy', 'replication_factor': 1}",
      );
      await c.execute('CREATE TABLE dk.t (k int PRIMARY KEY, v int)');
      await c.execute('INSERT INTO dk.t (k, v) VALUES (1, 1)');
      expect((await c.execute('SELECT * FROM dk.t')).rowLength).toBe(1);
      expect((await failure(c.execute('SELECT * FROM app.t'))).code).toBe(0x2100);
      const own = (await c.execute('LIST ALL PERMISSIONS OF dave')).rows.map(
        (r) => `${r.get('resource')} ${r.get('permission')}`,
      );
      expect(own).toContain('<all keyspaces> CREATE');
      expect(own).toContain('<keyspace dk> MODIFY');
      expect(own).toContain('<table dk.t> SELECT');
      expect((await failure(c.execute("ALTER ROLE bob WITH PASSWORD = 'x'"))).message).toBe(
        unauthorizedOn('dave', 'ALTER', '<role bob>'),
      );
      expect((await failure(c.execute('ALTER ROLE dave WITH SUPERUSER = true'))).message).toBe(
        "You aren't allowed to alter your own superuser status or that of a role granted to you",
      );
      expect((await failure(c.execute('ALTER ROLE bob WITH SUPERUSER = true'))).message).toBe(
        'Only superusers are allowed to alter superuser status',
      );
      expect((await failure(c.execute('ALTER ROLE dave WITH LOGIN = false'))).message).toBe(
        "You aren't allowed to alter LOGIN",
      );
      expect((await failure(c.execute('LIST ALL PERMISSIONS OF bob'))).message).toBe(
        "You are not authorized to view bob's permissions",
      );
    });
    const bobs = await asAdmin(async (c) => (await c.execute('LIST ALL PERMISSIONS OF bob')).rows);
    expect(bobs.map((r) => [r.get('role'), r.get('resource'), r.get('permission')])).toEqual([
      ['bob', '<table app.t>', 'SELECT'],
    ]);
  });

  it('keeps roles, hashes and grants across a restart, in an owner-only file without the passwords', async () => {
    await server!.close();
    server = await startCqlAuthServer(dataDir, {
      superuser: { username: CQL_SUPERUSER.username, password: 'ignored-now' },
    });
    await withClient(server.port, BOB, async (c) => {
      expect((await c.execute('SELECT * FROM app.t')).rowLength).toBe(1);
      expect((await failure(c.execute("INSERT INTO app.t (k, v) VALUES (9, 'x')"))).code).toBe(0x2100);
    });
    await withClient(server.port, DAVE, (c) => c.execute('SELECT * FROM dk.t'));
    // The bootstrap superuser already existed: its stored password is kept, the new one ignored.
    const roles = await withClient(
      server.port,
      CQL_SUPERUSER,
      async (c) => (await c.execute('LIST ROLES')).rowLength,
    );
    expect(roles).toBe(3);
    // The same state, as drivers and tools may read it: system_auth (superusers only).
    await withClient(server.port, CQL_SUPERUSER, async (c) => {
      const rows = (
        await c.execute('SELECT role, can_login, is_superuser, salted_hash FROM system_auth.roles')
      ).rows;
      expect(rows.map((r) => [r.get('role'), r.get('can_login'), r.get('is_superuser')])).toEqual([
        ['admin', true, true],
        ['bob', true, false],
        ['dave', true, false],
      ]);
      expect(rows.every((r) => String(r.get('salted_hash')).startsWith('$scrypt$'))).toBe(true);
      const perms = await c.execute(
        "SELECT resource, permissions FROM system_auth.role_permissions WHERE role = 'bob'",
      );
      expect(perms.rows.map((r) => [r.get('resource'), r.get('permissions')])).toEqual([
        ['data/app/t', ['SELECT']],
      ]);
      expect(
        await failure(c.execute("INSERT INTO system_auth.roles (role, can_login) VALUES ('x', true)")),
      ).toMatchObject({ code: 0x2100, message: 'system_auth keyspace is not user-modifiable.' });
    });
    await withClient(server.port, BOB, async (c) =>
      expect((await failure(c.execute('SELECT * FROM system_auth.roles'))).message).toBe(
        unauthorizedOn('bob', 'SELECT', '<table system_auth.roles>'),
      ),
    );
    const file = join(dataDir, 'auth', 'roles.json');
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(statSync(join(dataDir, 'auth')).mode & 0o777).toBe(0o700);
    const text = readFileSync(file, 'utf8');
    for (const pw of [CQL_SUPERUSER.password, BOB.password, DAVE.password]) expect(text).not.toContain(pw);
    expect(text).toContain('$scrypt$');
  });
});

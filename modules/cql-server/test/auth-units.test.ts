import { describe, expect, it } from 'vitest';
import { DUMMY_HASH, hashPassword, verifyPassword } from '../src/auth/password-hash.js';
import { decodePlainToken } from '../src/auth/sasl-plain.js';
import { parseStatement } from '../src/cql/parser.js';

const token = (s: string) => Buffer.from(s, 'utf8');

describe('SASL PLAIN tokens', () => {
  it('reads user and password with and without an authorization id', () => {
    expect(decodePlainToken(token('\0bob\0pw'))).toEqual({ username: 'bob', password: 'pw' });
    expect(decodePlainToken(token('admin\0bob\0p\u00e4ss'))).toEqual({
      username: 'bob',
      password: 'p\u00e4ss',
    });
  });

  it("refuses a missing user or password with Cassandra's messages (Bad credentials)", () => {
    expect(() => decodePlainToken(null)).toThrow('Password must not be null');
    expect(() => decodePlainToken(token('bob'))).toThrow('Password must not be null');
    expect(() => decodePlainToken(token('\0pw'))).toThrow('Authentication ID must not be null');
    expect(() => decodePlainToken(token('\0\0pw'))).toThrow('Authentication ID must not be null');
    expect(() => decodePlainToken(token('\0bob\0'))).toThrow('Password must not be null');
  });
});

describe('password hashes', () => {
  it('are salted (two hashes of one password differ) and verify only the right password', async () => {
    const a = await hashPassword('s3cret');
    const b = await hashPassword('s3cret');
    expect(a).not.toBe(b);
    expect(a).toMatch(/^\$scrypt\$N=\d+,r=\d+,p=\d+\$[^$]+\$[^$]+$/);
    expect(await verifyPassword('s3cret', a)).toBe(true);
    expect(await verifyPassword('s3cret!', a)).toBe(false);
    expect(await verifyPassword('s3cret', DUMMY_HASH)).toBe(false);
  });
});

describe('role and permission statements', () => {
  it('parses roles, grants, revokes and lists as Cassandra writes them', () => {
    expect(
      parseStatement(
        "CREATE ROLE IF NOT EXISTS Bob WITH PASSWORD = 'x' AND LOGIN = true AND SUPERUSER = false",
      ).statement,
    ).toEqual({
      type: 'createRole',
      ifNotExists: true,
      role: 'bob',
      options: { password: 'x', login: true, superuser: false },
    });
    expect(parseStatement("DROP ROLE IF EXISTS 'Mixed Case'").statement).toEqual({
      type: 'dropRole',
      ifExists: true,
      role: 'Mixed Case',
    });
    expect(parseStatement('GRANT ALL PERMISSIONS ON ALL KEYSPACES TO ops;').statement).toEqual({
      type: 'grant',
      permissions: 'ALL',
      resource: { kind: 'all' },
      role: 'ops',
    });
    expect(parseStatement('REVOKE modify PERMISSION ON KEYSPACE app FROM "Ops"').statement).toEqual({
      type: 'revoke',
      permissions: 'MODIFY',
      resource: { kind: 'keyspace', keyspace: 'app' },
      role: 'Ops',
    });
    expect(parseStatement('GRANT SELECT ON t TO r').statement).toMatchObject({
      resource: { kind: 'table', keyspace: undefined, table: 't' },
    });
    expect(parseStatement('LIST ALL PERMISSIONS ON TABLE app.t OF r NORECURSIVE').statement).toEqual({
      type: 'listPermissions',
      permissions: 'ALL',
      resource: { kind: 'table', keyspace: 'app', table: 't' },
      of: 'r',
    });
    expect(parseStatement('LIST ROLES').statement).toEqual({ type: 'listRoles', of: undefined });
  });

  it('refuses unknown permissions and options with syntax errors', () => {
    expect(() => parseStatement('GRANT FLY ON ALL KEYSPACES TO r')).toThrow(/mismatched input 'FLY'/);
    expect(() => parseStatement("CREATE ROLE r WITH COLOUR = 'blue'")).toThrow(
      /no viable alternative at input 'COLOUR'/,
    );
    expect(() => parseStatement('CREATE ROLE r WITH LOGIN = maybe')).toThrow(/expecting BOOLEAN/);
  });
});

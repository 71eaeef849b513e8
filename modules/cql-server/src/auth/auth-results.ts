import type { ColumnSpec, Compiled, ExecResult, Session } from '../engine/result.js';
import { invalidRequest } from '../protocol/errors.js';
import { mapOf, nativeType } from '../types/cql-type.js';
import type { AuthState } from './authorize.js';

const text = nativeType('text');
const bool = nativeType('boolean');

/** LIST ROLES columns, as Cassandra 3.11 (result metadata names system_auth.roles). */
export const ROLE_COLUMNS: ColumnSpec[] = [
  { keyspace: 'system_auth', table: 'roles', name: 'role', type: text },
  { keyspace: 'system_auth', table: 'roles', name: 'super', type: bool },
  { keyspace: 'system_auth', table: 'roles', name: 'login', type: bool },
  { keyspace: 'system_auth', table: 'roles', name: 'options', type: mapOf(text, text) },
];

/** LIST PERMISSIONS columns, as Cassandra 3.11. */
export const PERMISSION_COLUMNS: ColumnSpec[] = ['role', 'username', 'resource', 'permission'].map(
  (name) => ({
    keyspace: 'system_auth',
    table: 'permissions',
    name,
    type: text,
  }),
);

export const textValue = (s: string): Buffer => Buffer.from(s, 'utf8');
export const boolValue = (b: boolean): Buffer => Buffer.from([b ? 1 : 0]);
/** An empty map<text, text>: a count of 0. */
export const EMPTY_MAP = Buffer.alloc(4);

export const VOID: ExecResult = { kind: 'void' };

/** A compiled role/permission statement: no binds, no table, run against the role store. */
export function authCompiled(
  db: { auth: AuthState | undefined },
  what: string,
  run: (auth: AuthState, user: string, session: Session) => ExecResult | Promise<ExecResult>,
  resultColumns?: ColumnSpec[],
): Compiled {
  return {
    bindSpecs: [],
    bindNames: [],
    pkIndexes: [],
    resultColumns,
    isWrite: false,
    uncached: true,
    execute(_values, _options, session) {
      const auth = db.auth;
      if (!auth) {
        throw invalidRequest(
          `${what} is not supported by AllowAllAuthenticator: start the server with --authenticator PasswordAuthenticator`,
        );
      }
      if (session.user === undefined) throw invalidRequest('You have not logged in');
      return run(auth, session.user, session);
    },
  };
}

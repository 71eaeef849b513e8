import type { AuthStatement } from '../cql/auth-ast.js';
import type { Database } from '../engine/database.js';
import type { Compiled } from '../engine/result.js';
import { compileGrantRevoke, compileListPermissions } from './compile-permission-statements.js';
import {
  compileAlterRole,
  compileCreateRole,
  compileDropRole,
  compileListRoles,
} from './compile-role-statements.js';

/** Compiles a role or permission statement; it runs against `db.auth` with the session's user. */
export function compileAuthStatement(db: Database, s: AuthStatement): Compiled {
  switch (s.type) {
    case 'createRole':
      return compileCreateRole(db, s);
    case 'alterRole':
      return compileAlterRole(db, s);
    case 'dropRole':
      return compileDropRole(db, s);
    case 'listRoles':
      return compileListRoles(db, s);
    case 'grant':
    case 'revoke':
      return compileGrantRevoke(db, s);
    case 'listPermissions':
      return compileListPermissions(db, s);
  }
}

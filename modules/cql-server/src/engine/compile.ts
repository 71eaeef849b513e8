import { requiredAccess } from '../auth/access.js';
import { compileAuthStatement } from '../auth/compile-auth.js';
import type { AuthStatement } from '../cql/auth-ast.js';
import type { Statement } from '../cql/ast.js';
import { parseStatement } from '../cql/parser.js';
import { compileDelete, compileTruncate } from './compile-delete.js';
import { compileInsert } from './compile-insert.js';
import { compileUpdate } from './compile-update.js';
import { compileSelect } from './compile-select.js';
import type { Database } from './database.js';
import {
  compileAlterTable,
  compileCreateKeyspace,
  compileCreateTable,
  compileDropKeyspace,
  compileDropTable,
  compileUse,
} from './ddl.js';
import type { Compiled } from './result.js';

/** Parses and compiles one CQL statement against the current schema. */
export function compile(db: Database, cql: string, sessionKeyspace: string | undefined): Compiled {
  const { statement: s, bindCount } = parseStatement(cql);
  if (isAuth(s)) return compileAuthStatement(db, s);
  const compiled = compileData(db, s, bindCount, cql, sessionKeyspace);
  compiled.access = requiredAccess(s, sessionKeyspace);
  return compiled;
}

function isAuth(s: Statement | AuthStatement): s is AuthStatement {
  return AUTH_TYPES.has(s.type);
}

const AUTH_TYPES = new Set([
  'createRole',
  'alterRole',
  'dropRole',
  'listRoles',
  'grant',
  'revoke',
  'listPermissions',
]);

function compileData(
  db: Database,
  s: Statement,
  bindCount: number,
  cql: string,
  sessionKeyspace: string | undefined,
): Compiled {
  switch (s.type) {
    case 'select':
      return compileSelect(db, s, bindCount, sessionKeyspace);
    case 'insert':
      return compileInsert(db, s, bindCount, sessionKeyspace);
    case 'update':
      return compileUpdate(db, s, bindCount, sessionKeyspace);
    case 'delete':
      return compileDelete(db, s, bindCount, sessionKeyspace);
    case 'truncate':
      return compileTruncate(db, s, sessionKeyspace);
    case 'createKeyspace':
      return compileCreateKeyspace(db, s, cql);
    case 'dropKeyspace':
      return compileDropKeyspace(db, s, cql);
    case 'createTable':
      return compileCreateTable(db, s, cql);
    case 'dropTable':
      return compileDropTable(db, s, cql);
    case 'alterTable':
      return compileAlterTable(db, s, cql);
    case 'use':
      return compileUse(db, s);
  }
}

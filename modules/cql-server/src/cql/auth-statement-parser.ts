import { PERMISSIONS, type Permission } from '../auth/resources.js';
import { syntaxError } from '../protocol/errors.js';
import type { AuthStatement, ResourceRef, RoleOptions } from './auth-ast.js';
import type { Token } from './lexer.js';
import { TokenCursor } from './token-cursor.js';

/** True if the tokens start a role or permission statement (parsed here, not by the data parser). */
export function isAuthStatement(tokens: Token[]): boolean {
  const word = (i: number) => (tokens[i]?.kind === 'ident' ? tokens[i].value : '');
  const first = word(0);
  if (first === 'grant' || first === 'revoke') return true;
  if (first === 'list') return word(1) !== '';
  return (first === 'create' || first === 'alter' || first === 'drop') && word(1) === 'role';
}

/**
 * CREATE/ALTER/DROP ROLE, LIST ROLES, GRANT/REVOKE <permission> ON <resource> TO|FROM <role>,
 * LIST <permission> [ON <resource>] [OF <role>] — Cassandra 3.x's grammar for these, without role
 * hierarchies (GRANT role TO role) and without function/MBean resources.
 */
export class AuthStatementParser extends TokenCursor {
  statement(): AuthStatement {
    const t = this.next();
    switch (t.value) {
      case 'create': {
        this.expectWord('role');
        const ifNotExists = this.ifNotExists();
        return { type: 'createRole', ifNotExists, role: this.roleName(), options: this.roleOptions() };
      }
      case 'alter':
        this.expectWord('role');
        return { type: 'alterRole', role: this.roleName(), options: this.roleOptions() };
      case 'drop': {
        this.expectWord('role');
        const ifExists = this.ifExists();
        return { type: 'dropRole', ifExists, role: this.roleName() };
      }
      case 'grant':
      case 'revoke': {
        const permissions = this.permissionOrAll();
        this.expectWord('on');
        const resource = this.resource();
        this.expectWord(t.value === 'grant' ? 'to' : 'from');
        return { type: t.value, permissions, resource, role: this.roleName() };
      }
      case 'list':
        return this.list();
      default:
        throw syntaxError(`line ${t.line}:${t.col} no viable alternative at input '${t.raw}'`);
    }
  }

  private list(): AuthStatement {
    if (this.acceptWord('roles')) {
      const of = this.acceptWord('of') ? this.roleName() : undefined;
      this.acceptWord('norecursive');
      return { type: 'listRoles', of };
    }
    const permissions = this.permissionOrAll();
    const resource = this.acceptWord('on') ? this.resource() : undefined;
    const of = this.acceptWord('of') ? this.roleName() : undefined;
    this.acceptWord('norecursive');
    return { type: 'listPermissions', permissions, resource, of };
  }

  /** Role names are identifiers (lower-cased unless quoted) or string literals (kept as written). */
  private roleName(): string {
    const t = this.peek();
    if (t.kind === 'string') {
      this.pos++;
      return t.value;
    }
    return this.identifier();
  }

  private permissionOrAll(): Permission | 'ALL' {
    if (this.acceptWord('all')) {
      this.acceptWord('permissions');
      return 'ALL';
    }
    const t = this.next();
    const name = t.kind === 'ident' ? t.value.toUpperCase() : '';
    if (!(PERMISSIONS as readonly string[]).includes(name))
      this.fail('one of SELECT, MODIFY, CREATE, ALTER, DROP, AUTHORIZE, ALL', t);
    this.acceptWord('permission');
    return name as Permission;
  }

  private resource(): ResourceRef {
    if (this.acceptWord('all')) {
      this.expectWord('keyspaces');
      return { kind: 'all' };
    }
    if (this.acceptWord('keyspace')) return { kind: 'keyspace', keyspace: this.identifier() };
    this.acceptWord('table');
    const name = this.qualifiedName();
    return { kind: 'table', keyspace: name.keyspace, table: name.name } as ResourceRef;
  }

  private roleOptions(): RoleOptions {
    const options: RoleOptions = {};
    if (!this.acceptWord('with')) return options;
    do {
      const t = this.next();
      this.expect('=');
      const v = this.next();
      if (t.value === 'password') {
        if (v.kind !== 'string') this.fail('STRING_LITERAL', v);
        options.password = v.value;
      } else if (t.value === 'login' || t.value === 'superuser') {
        if (v.kind !== 'ident' || (v.value !== 'true' && v.value !== 'false')) this.fail('BOOLEAN', v);
        options[t.value] = v.value === 'true';
      } else {
        throw syntaxError(`line ${t.line}:${t.col} no viable alternative at input '${t.raw}'`);
      }
    } while (this.acceptWord('and'));
    return options;
  }
}

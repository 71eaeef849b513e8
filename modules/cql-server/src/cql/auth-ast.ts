import type { DataResource, Permission } from '../auth/resources.js';

/** Role options of CREATE/ALTER ROLE: `WITH PASSWORD = '…' AND LOGIN = true AND SUPERUSER = false`. */
export interface RoleOptions {
  password?: string;
  login?: boolean;
  superuser?: boolean;
}

export interface CreateRole {
  type: 'createRole';
  ifNotExists: boolean;
  role: string;
  options: RoleOptions;
}

export interface AlterRole {
  type: 'alterRole';
  role: string;
  options: RoleOptions;
}

export interface DropRole {
  type: 'dropRole';
  ifExists: boolean;
  role: string;
}

export interface ListRoles {
  type: 'listRoles';
  of?: string;
}

/** A resource as written: a bare table name takes the session keyspace at compile time. */
export type ResourceRef = DataResource | { kind: 'table'; keyspace: undefined; table: string };

export interface GrantRevoke {
  type: 'grant' | 'revoke';
  /** 'ALL': every permission applicable to the resource. */
  permissions: Permission | 'ALL';
  resource: ResourceRef;
  role: string;
}

export interface ListPermissions {
  type: 'listPermissions';
  permissions: Permission | 'ALL';
  resource?: ResourceRef;
  of?: string;
}

export type AuthStatement = CreateRole | AlterRole | DropRole | ListRoles | GrantRevoke | ListPermissions;

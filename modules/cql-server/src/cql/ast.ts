import type { AuthStatement } from './auth-ast.js';
import type { CqlType } from '../types/cql-type.js';
import type { Literal } from '../types/codec.js';

/** A value position in a statement: a literal or a bind marker (`?` or `:name`). */
export type Term = { kind: 'literal'; lit: Literal } | { kind: 'bind'; index: number; name?: string };

export interface QualifiedName {
  keyspace?: string;
  name: string;
}

export type RelationOp = '=' | '<' | '<=' | '>' | '>=' | 'IN' | '!=';

export interface Relation {
  column: string;
  op: RelationOp;
  /** One term, or for `IN (a, b)` a list; `IN ?` is a single bind term with `inMarker`. */
  value: Term | Term[];
  inMarker?: boolean;
}

export type Selector = { kind: 'column'; name: string; alias?: string } | { kind: 'count'; alias?: string };

export interface CreateKeyspace {
  type: 'createKeyspace';
  ifNotExists: boolean;
  name: string;
  replication: Record<string, string>;
  durableWrites: boolean;
}

export interface DropKeyspace {
  type: 'dropKeyspace';
  ifExists: boolean;
  name: string;
}

export interface CreateTable {
  type: 'createTable';
  ifNotExists: boolean;
  table: QualifiedName;
  columns: { name: string; type: CqlType }[];
  partitionKey: string[];
  clustering: string[];
  clusteringOrder: Map<string, 'ASC' | 'DESC'>;
  options: Record<string, unknown>;
}

export interface DropTable {
  type: 'dropTable';
  ifExists: boolean;
  table: QualifiedName;
}

/** ALTER TABLE ... ADD col type[, ...] | DROP col[, ...] (regular columns only). */
export interface AlterTable {
  type: 'alterTable';
  table: QualifiedName;
  add: { name: string; type: CqlType }[];
  drop: string[];
}

export interface Use {
  type: 'use';
  keyspace: string;
}

export interface UsingClause {
  ttl?: Term;
  timestamp?: Term;
}

export interface Insert {
  type: 'insert';
  table: QualifiedName;
  columns: string[];
  values: Term[];
  ifNotExists: boolean;
  using: UsingClause;
}

export interface Update {
  type: 'update';
  table: QualifiedName;
  using: UsingClause;
  assignments: { column: string; value: Term }[];
  where: Relation[];
}

export interface Delete {
  type: 'delete';
  table: QualifiedName;
  columns: string[];
  using: UsingClause;
  where: Relation[];
}

export interface Truncate {
  type: 'truncate';
  table: QualifiedName;
}

export interface Select {
  type: 'select';
  table: QualifiedName;
  selectors: '*' | Selector[];
  where: Relation[];
  orderBy: { column: string; dir: 'ASC' | 'DESC' }[];
  limit?: Term;
  allowFiltering: boolean;
}

export type Statement =
  | CreateKeyspace
  | DropKeyspace
  | CreateTable
  | DropTable
  | AlterTable
  | Use
  | Insert
  | Update
  | Delete
  | Truncate
  | Select;

export interface ParsedStatement {
  statement: Statement | AuthStatement;
  /** Number of bind markers, numbered 0.. in order of appearance. */
  bindCount: number;
}

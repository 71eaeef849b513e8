import type { Access } from '../auth/access.js';
import type { WireValue } from '../protocol/reader.js';
import type { CqlType } from '../types/cql-type.js';
import type { Mutation } from './mutation.js';

/** Column spec as sent in result and prepared metadata. */
export interface ColumnSpec {
  keyspace: string;
  table: string;
  name: string;
  type: CqlType;
}

export interface SchemaChange {
  change: 'CREATED' | 'UPDATED' | 'DROPPED';
  target: 'KEYSPACE' | 'TABLE';
  keyspace: string;
  name?: string;
}

export type ExecResult =
  | { kind: 'void' }
  | { kind: 'rows'; columns: ColumnSpec[]; rows: (Buffer | null)[][]; pagingState?: Buffer }
  | { kind: 'setKeyspace'; keyspace: string }
  | { kind: 'schemaChange'; change: SchemaChange };

/** Per-request options from the QUERY/EXECUTE/BATCH parameters. */
export interface ExecOptions {
  consistency: number;
  /** <= 0 disables paging. */
  pageSize: number;
  pagingState?: Buffer;
}

/** Session state that statements can read or change (USE). */
export interface Session {
  keyspace?: string;
  /** The role this connection logged in as (PasswordAuthenticator); undefined with AllowAllAuthenticator. */
  user?: string;
}

/** A statement compiled against the schema: what PREPARE caches and EXECUTE runs without parsing. */
export interface Compiled {
  /** Keyspace/table it depends on, so a schema change can invalidate it. */
  keyspace?: string;
  table?: string;
  /** Variables (bind markers), for the PREPARED metadata. */
  bindSpecs: ColumnSpec[];
  /** Names of named markers, to reorder named values. */
  bindNames: (string | undefined)[];
  /** Indexes of the markers that bind the partition key (for driver routing), or empty. */
  pkIndexes: number[];
  /** Result columns for the PREPARED metadata; undefined = no metadata (non-SELECT). */
  resultColumns?: ColumnSpec[];
  /** True for writes: they are rejected when the batch/statement targets a system keyspace. */
  isWrite: boolean;
  /** The permission CassandraAuthorizer requires to run it (undefined: none, e.g. system tables, USE). */
  access?: Access;
  /** Not kept in the statement cache (role statements: their text may hold a password). */
  uncached?: boolean;
  execute(values: WireValue[], options: ExecOptions, session: Session): ExecResult | Promise<ExecResult>;
  /** For unconditional writes: the mutations, so a BATCH can log them as one atomic record. */
  mutations?(values: WireValue[], options: ExecOptions): Mutation[];
}

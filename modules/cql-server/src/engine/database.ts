import { randomUUID } from 'node:crypto';
import type { AuthState } from '../auth/authorize.js';
import { CqlError, ErrorCode, invalidRequest } from '../protocol/errors.js';
import type { Keyspace } from './keyspace.js';
import { type Mutation, applyToTable, checkWriteSize } from './mutation.js';
import type { SchemaChange } from './result.js';
import type { Table } from './table.js';

/** Where applied mutations go to become durable (the commit log); resolves once fsynced. */
export interface MutationSink {
  append(mutations: readonly Mutation[]): Promise<void>;
}

/**
 * The single state owner: keyspaces, tables and their rows. Connections only parse and queue;
 * every change goes through here on the one JS thread, so no locking is needed.
 */
export class Database {
  readonly keyspaces = new Map<string, Keyspace>();
  schemaVersion: string = randomUUID();
  /** Null while replaying the commit log at start. */
  sink: MutationSink | null = null;
  /** Roles and grants; undefined with AllowAllAuthenticator (everyone may do everything). */
  auth: AuthState | undefined = undefined;
  private readonly schemaListeners = new Set<(c: SchemaChange) => void>();

  onSchemaChange(fn: (c: SchemaChange) => void): () => void {
    this.schemaListeners.add(fn);
    return () => this.schemaListeners.delete(fn);
  }

  schemaChanged(change: SchemaChange): void {
    this.schemaVersion = randomUUID();
    for (const fn of this.schemaListeners) fn(change);
  }

  keyspace(name: string | undefined): Keyspace {
    if (name === undefined) {
      throw invalidRequest(
        'No keyspace has been specified. USE a keyspace, or explicitly specify keyspace.tablename',
      );
    }
    const ks = this.keyspaces.get(name);
    if (!ks) throw invalidRequest(`Keyspace ${name} does not exist`);
    return ks;
  }

  table(keyspace: string | undefined, name: string): Table {
    const ks = this.keyspace(keyspace);
    const t = ks.tables.get(name);
    if (!t) throw invalidRequest(`unconfigured table ${name}`);
    return t;
  }

  /** A table that statements may modify (not a system table). */
  writableTable(keyspace: string | undefined, name: string): Table {
    const ks = this.keyspace(keyspace);
    if (ks.system) throw new CqlError(ErrorCode.unauthorized, `${ks.name} keyspace is not user-modifiable.`);
    const t = ks.tables.get(name);
    if (!t) throw invalidRequest(`unconfigured table ${name}`);
    return t;
  }

  /**
   * Applies the data mutations of one statement or BATCH, all or none, and hands them to the log as
   * one record; the promise resolves when that record is durable.
   */
  write(mutations: readonly Mutation[]): Promise<void> | undefined {
    checkWriteSize(mutations.length);
    // Encode and queue the record BEFORE touching memory: whatever makes it unloggable throws while
    // nothing is applied yet. The log writes it in a later tick, after the synchronous apply below,
    // so neither a snapshot nor a reader can see the record without its changes or the reverse.
    const durable = this.sink?.append(mutations);
    for (const m of mutations) this.applyData(m);
    return durable;
  }

  applyData(m: Mutation): void {
    if (m.op === 'ddl') throw new Error('applyData: ddl is applied by the executor');
    const ks = this.keyspaces.get(m.keyspace);
    const t = ks?.tables.get(m.table);
    // The table can be gone if the log holds writes from before a DROP that a snapshot already folded in.
    if (t) applyToTable(t, m);
  }
}

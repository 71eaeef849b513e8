import { KsqlError } from '../errors.js';
import type { SqlType } from '../types/sql-type.js';
import type { DataSource } from './data-source.js';

/**
 * The engine's catalogue (ksqlDB's MetaStore): streams and tables by name, custom types, and the
 * links between sources and the persistent queries reading / writing them. Names are compared
 * exactly as the parser resolved them (unquoted upper-cased, quoted as written).
 */
export class MetaStore {
  private readonly sources = new Map<string, DataSource>();
  private readonly types = new Map<string, SqlType>();
  private readonly readers = new Map<string, Set<string>>();
  private readonly writers = new Map<string, Set<string>>();
  /** Source → the CREATE … AS targets built from it (ksqlDB's drop constraints). */
  private readonly referencedBy = new Map<string, Set<string>>();

  get(name: string): DataSource | undefined {
    return this.sources.get(name);
  }

  all(): DataSource[] {
    return [...this.sources.values()];
  }

  /** Adds or (orReplace) replaces a source; refuses a name already taken. */
  put(source: DataSource, orReplace: boolean): void {
    const existing = this.sources.get(source.name);
    if (existing && (!orReplace || existing.type !== source.type)) {
      throw new KsqlError(
        `Cannot add ${source.type.toLowerCase()} '${source.name}': A ${existing.type.toLowerCase()} with the same name already exists`,
      );
    }
    this.sources.set(source.name, source);
  }

  /** Records that `target` (a CREATE … AS sink) is built from `from`: `from` cannot be dropped first. */
  addReferences(target: string, from: readonly string[]): void {
    for (const f of from) {
      if (f === target) continue;
      setOf(this.referencedBy, f).add(target);
    }
  }

  delete(name: string): void {
    const refs = this.referencedBy.get(name);
    if (refs && refs.size > 0) {
      const list = [...refs].sort().join(', ');
      throw new KsqlError(
        `Cannot drop ${name}.\nThe following streams and/or tables read from this source: [${list}].\nYou need to drop them before dropping ${name}.`,
      );
    }
    this.sources.delete(name);
    this.referencedBy.delete(name);
    for (const set of this.referencedBy.values()) set.delete(name);
  }

  linkQuery(queryId: string, reads: readonly string[], writes: string): void {
    for (const r of reads) setOf(this.readers, r).add(queryId);
    setOf(this.writers, writes).add(queryId);
  }

  unlinkQuery(queryId: string): void {
    for (const set of this.readers.values()) set.delete(queryId);
    for (const set of this.writers.values()) set.delete(queryId);
  }

  readQueries(name: string): string[] {
    return [...(this.readers.get(name) ?? [])].sort();
  }

  writeQueries(name: string): string[] {
    return [...(this.writers.get(name) ?? [])].sort();
  }

  // --- custom types (CREATE TYPE) ---

  registerType(name: string, type: SqlType): boolean {
    if (this.types.has(name)) return false;
    this.types.set(name, type);
    return true;
  }

  resolveType(name: string): SqlType | undefined {
    return this.types.get(name);
  }

  deleteType(name: string): boolean {
    return this.types.delete(name);
  }

  /** The custom types, as the parser resolves type names with them. */
  typeRegistry(): ReadonlyMap<string, SqlType> {
    return this.types;
  }
}

function setOf(map: Map<string, Set<string>>, key: string): Set<string> {
  let set = map.get(key);
  if (!set) {
    set = new Set();
    map.set(key, set);
  }
  return set;
}

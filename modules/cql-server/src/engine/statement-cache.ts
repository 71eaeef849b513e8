import { createHash } from 'node:crypto';
import { CqlError, ErrorCode } from '../protocol/errors.js';
import { compile } from './compile.js';
import type { Database } from './database.js';
import type { Compiled, SchemaChange } from './result.js';

export interface Prepared {
  id: Buffer;
  query: string;
  keyspace: string | undefined;
  compiled: Compiled;
}

const MAX_UNPREPARED_CACHE = 2000;
const MAX_PREPARED = 20_000;

/**
 * Compiled statements: the prepared ones (by id, shared by all connections like Cassandra's prepared
 * cache) and a bounded cache for plain QUERY text. A schema change drops every statement touching
 * the changed keyspace/table, so the next EXECUTE gets UNPREPARED and the driver re-prepares
 * against the new schema.
 */
export class StatementCache {
  private readonly prepared = new Map<string, Prepared>();
  private readonly adHoc = new Map<string, Compiled>();

  constructor(private readonly db: Database) {
    db.onSchemaChange((c) => this.invalidate(c));
  }

  prepare(query: string, keyspace: string | undefined): Prepared {
    // Same id for the same text and keyspace, as Cassandra's MD5-based ids.
    const id = createHash('md5')
      .update(`${keyspace ?? ''}\0${query}`)
      .digest();
    const key = id.toString('hex');
    const existing = this.prepared.get(key);
    if (existing) return existing;
    const compiled = compile(this.db, query, keyspace);
    const p: Prepared = { id, query, keyspace, compiled };
    // Bounded like Cassandra's prepared cache: the oldest entry goes; its users just re-prepare.
    if (this.prepared.size >= MAX_PREPARED) this.prepared.delete(this.prepared.keys().next().value!);
    this.prepared.set(key, p);
    return p;
  }

  get(id: Buffer): Prepared {
    const p = this.prepared.get(id.toString('hex'));
    if (!p) {
      throw new CqlError(
        ErrorCode.unprepared,
        `Prepared query with ID ${id.toString('hex')} not found (either the query was not prepared on this host (maybe the host has been restarted?) or you have prepared too many queries and it has been evicted from the internal cache)`,
        {
          kind: 'unprepared',
          id,
        },
      );
    }
    return p;
  }

  /** Compiles (or reuses) a plain QUERY statement. */
  adHocStatement(query: string, keyspace: string | undefined): Compiled {
    const key = `${keyspace ?? ''}\0${query}`;
    const hit = this.adHoc.get(key);
    if (hit) return hit;
    const compiled = compile(this.db, query, keyspace);
    if (compiled.uncached) return compiled;
    if (this.adHoc.size >= MAX_UNPREPARED_CACHE) this.adHoc.clear();
    this.adHoc.set(key, compiled);
    return compiled;
  }

  private invalidate(c: SchemaChange): void {
    const hits = (comp: Compiled) =>
      comp.keyspace === c.keyspace && (c.target === 'KEYSPACE' || comp.table === c.name);
    for (const [k, p] of this.prepared) if (hits(p.compiled)) this.prepared.delete(k);
    for (const [k, comp] of this.adHoc) if (hits(comp)) this.adHoc.delete(k);
  }
}

import type { Relation, Term, UsingClause } from '../cql/ast.js';
import { invalidRequest } from '../protocol/errors.js';
import type { WireValue } from '../protocol/reader.js';
import { nativeType } from '../types/cql-type.js';
import type { Database } from './database.js';
import type { Mutation } from './mutation.js';
import { type BindCollector, type KeyRestriction, columnOrFail, keyRestriction } from './restrictions.js';
import type { Compiled, ExecOptions, ExecResult } from './result.js';
import type { ColumnDef, Table } from './table.js';
import { type ValueSource, resolve } from './values.js';

export const VOID: ExecResult = { kind: 'void' };
const MAX_TTL = 630_720_000; // 20 years, Cassandra's limit

export function pseudoColumn(name: string, type: 'int' | 'bigint'): ColumnDef {
  return { name, type: nativeType(type), kind: 'regular', position: -1, compare: () => 0 };
}

export interface UsingSources {
  ttl?: ValueSource;
}

export function usingSources(using: UsingClause, binds: BindCollector): UsingSources {
  const out: UsingSources = {};
  if (using.ttl) out.ttl = binds.source(using.ttl, pseudoColumn('[ttl]', 'int'));
  // USING TIMESTAMP is accepted and validated but writes are ordered by arrival (see README).
  if (using.timestamp) binds.source(using.timestamp, pseudoColumn('[timestamp]', 'bigint'));
  return out;
}

export function expiryOf(u: UsingSources, table: Table, values: WireValue[]): number {
  let ttl = table.options.defaultTtl;
  if (u.ttl) {
    const v = resolve(u.ttl, values);
    if (v) {
      ttl = v.readInt32BE(0);
      if (ttl < 0) throw invalidRequest('A TTL must be greater or equal to 0, but was ' + ttl);
      if (ttl > MAX_TTL) throw invalidRequest(`ttl is too large. requested (${ttl}) maximum (${MAX_TTL})`);
    }
  }
  return ttl > 0 ? Date.now() + ttl * 1000 : 0;
}

export function done(p: Promise<void> | undefined, result: ExecResult): ExecResult | Promise<ExecResult> {
  return p ? p.then(() => result) : result;
}

/** WHERE of UPDATE/DELETE: key columns only, = or IN. */
export function keyWhere(
  table: Table,
  where: Relation[],
  binds: BindCollector,
): { pk: KeyRestriction[]; ck: (KeyRestriction | undefined)[] } {
  const pk: KeyRestriction[] = new Array(table.partitionKey.length);
  const ck: (KeyRestriction | undefined)[] = new Array(table.clustering.length);
  for (const rel of where) {
    const col = columnOrFail(table, rel.column);
    if (col.kind === 'regular')
      throw invalidRequest(`Non PRIMARY KEY columns found in where clause: ${col.name}`);
    if (rel.op !== '=' && rel.op !== 'IN') {
      throw invalidRequest(
        `Invalid operator ${rel.op} for PRIMARY KEY part ${col.name} (range deletions and updates are not supported)`,
      );
    }
    const r = keyRestriction(rel, col, binds);
    if (col.kind === 'partition_key') pk[col.position] = r;
    else ck[col.position] = r;
  }
  const missingPk = table.partitionKey.filter((c) => !pk[c.position]).map((c) => c.name);
  if (missingPk.length) throw invalidRequest(`Some partition key parts are missing: ${missingPk.join(', ')}`);
  return { pk, ck };
}

export function pkIndexesFor(table: Table, where: Relation[]): number[] {
  const idx: number[] = [];
  for (const col of table.partitionKey) {
    const rel = where.find((r) => r.column === col.name && r.op === '=');
    const term = rel?.value as Term | undefined;
    if (term?.kind !== 'bind') return [];
    idx.push(term.index);
  }
  return idx;
}

/**
 * Completes an unconditional write: EXECUTE applies and logs its mutations and answers VOID once
 * durable; BATCH calls `mutations` to log several statements as one record.
 */
export function unconditionalWrite(
  db: Database,
  base: Omit<Compiled, 'execute' | 'mutations' | 'isWrite'>,
  mutations: (values: WireValue[], options: ExecOptions) => Mutation[],
): Compiled {
  return {
    ...base,
    isWrite: true,
    mutations,
    execute: (values, options) => done(db.write(mutations(values, options)), VOID),
  };
}

import type { Select, Term } from '../cql/ast.js';
import { invalidRequest } from '../protocol/errors.js';
import type { WireValue } from '../protocol/reader.js';
import { nativeType } from '../types/cql-type.js';
import { bytesToInt } from '../types/codec.js';
import { checkConsistency } from './consistency.js';
import type { Database } from './database.js';
import { decodePagingState, encodePagingState } from './paging.js';
import {
  BindCollector,
  type KeyRestriction,
  cartesian,
  columnOrFail,
  keyRestriction,
  resolveKeyValues,
} from './restrictions.js';
import type { ColumnSpec, Compiled, ExecOptions, ExecResult } from './result.js';
import { type Filter, iterateRows, makePredicate } from './row-scan.js';
import {
  type ColumnDef,
  type Partition,
  type Row,
  type Table,
  cellValue,
  isRowLive,
  partitionKeyString,
} from './table.js';
import { type ValueSource, resolve } from './values.js';

const FILTERING_MESSAGE =
  'Cannot execute this query as it might involve data filtering and thus may have unpredictable performance. ' +
  'If you want to execute this query despite the performance unpredictability, use ALLOW FILTERING';

type OutColumn = { col: ColumnDef } | { count: true };

/** Compiles a SELECT: restrictions are classified once; execution only resolves bind values. */
export function compileSelect(
  db: Database,
  stmt: Select,
  bindCount: number,
  sessionKeyspace: string | undefined,
): Compiled {
  const keyspaceName = stmt.table.keyspace ?? sessionKeyspace;
  const table = db.table(keyspaceName, stmt.table.name);
  const keyspace = db.keyspace(keyspaceName);
  const binds = new BindCollector(bindCount, table);

  const out: OutColumn[] = [];
  const resultColumns: ColumnSpec[] = [];
  const spec = (name: string, type = nativeType('bigint')): ColumnSpec => ({
    keyspace: table.keyspace,
    table: table.name,
    name,
    type,
  });
  if (stmt.selectors === '*') {
    for (const col of table.columns) {
      out.push({ col });
      resultColumns.push(spec(col.name, col.type));
    }
  } else {
    for (const s of stmt.selectors) {
      if (s.kind === 'count') {
        out.push({ count: true });
        resultColumns.push(spec(s.alias ?? 'count'));
      } else {
        const col = columnOrFail(table, s.name);
        out.push({ col });
        resultColumns.push(spec(s.alias ?? col.name, col.type));
      }
    }
  }
  const isCount = out.some((o) => 'count' in o);
  if (isCount && out.length > 1) throw invalidRequest('count(*) cannot be combined with other selectors');

  // Classify WHERE relations.
  const pkRestrictions: (KeyRestriction | undefined)[] = new Array(table.partitionKey.length);
  const filters: Filter[] = [];
  const ckRestricted: (string | undefined)[] = new Array(table.clustering.length);
  let needsFiltering = false;
  let pkRangeOrPartial = false;
  for (const rel of stmt.where) {
    const col = columnOrFail(table, rel.column);
    if (rel.op === '!=') throw invalidRequest(`Unsupported "!=" relation: ${rel.column} != ...`);
    const restriction = keyRestriction(rel, col, binds);
    if (col.kind === 'partition_key' && (rel.op === '=' || rel.op === 'IN')) {
      if (pkRestrictions[col.position]) {
        throw invalidRequest(
          `${col.name} cannot be restricted by more than one relation if it includes an Equal`,
        );
      }
      pkRestrictions[col.position] = restriction;
      continue;
    }
    if (col.kind === 'partition_key') pkRangeOrPartial = true;
    if (col.kind === 'clustering') ckRestricted[col.position] = rel.op;
    if (col.kind === 'regular') needsFiltering = true;
    filters.push({ col, op: rel.op, restriction });
  }
  const pkCount = pkRestrictions.filter(Boolean).length;
  const lookup = pkCount === table.partitionKey.length && !pkRangeOrPartial;
  if (!lookup) {
    if (pkCount > 0 || pkRangeOrPartial || filters.length > 0) needsFiltering = true;
    // Without a full partition key, restricted key parts are applied as filters.
    pkRestrictions.forEach((r, i) => {
      if (r) filters.push({ col: table.partitionKey[i], op: 'IN', restriction: r });
    });
  } else {
    // Clustering restrictions must form an equality prefix followed by at most one slice.
    let open = true;
    let prev: string | undefined;
    for (let i = 0; i < table.clustering.length; i++) {
      const op = ckRestricted[i];
      const name = table.clustering[i].name;
      if (op && !open) {
        needsFiltering = true;
        if (!stmt.allowFiltering) {
          throw invalidRequest(
            `PRIMARY KEY column "${name}" cannot be restricted as preceding column "${prev}" is not restricted`,
          );
        }
      }
      if (!op || (op !== '=' && op !== 'IN')) open = false;
      prev = name;
    }
  }
  if (needsFiltering && !stmt.allowFiltering) throw invalidRequest(FILTERING_MESSAGE);

  // ORDER BY: clustering columns only, all in or all against the clustering order.
  let reversed = false;
  if (stmt.orderBy.length > 0) {
    if (!lookup)
      throw invalidRequest(
        'ORDER BY is only supported when the partition key is restricted by an EQ or an IN.',
      );
    stmt.orderBy.forEach((o, i) => {
      const col = columnOrFail(table, o.column);
      if (col.kind !== 'clustering')
        throw invalidRequest(
          `Order by is currently only supported on the clustered columns of the PRIMARY KEY, got ${o.column}`,
        );
      if (col.position !== i)
        throw invalidRequest(
          'Order by currently only supports the ordering of columns following their declared order in the PRIMARY KEY',
        );
      const natural = table.clusteringDesc[i] ? 'DESC' : 'ASC';
      const rev = o.dir !== natural;
      if (i > 0 && rev !== reversed) throw invalidRequest('Unsupported order by relation');
      reversed = rev;
    });
  }

  let limitSource: ValueSource | undefined;
  if (stmt.limit) limitSource = limitSourceFor(stmt.limit, binds, table);

  const bindSpecs = binds.finish();
  const pkIndexes = lookup ? pkIndexesOf(stmt, table) : [];
  const hasOrderBy = stmt.orderBy.length > 0;

  return {
    keyspace: table.keyspace,
    table: table.name,
    bindSpecs,
    bindNames: binds.names,
    pkIndexes,
    resultColumns,
    isWrite: false,
    execute(values: WireValue[], options: ExecOptions): ExecResult {
      checkConsistency(keyspace, options.consistency);
      table.beforeRead?.();
      const now = Date.now();
      let limit = Number.POSITIVE_INFINITY;
      if (limitSource) {
        const v = resolve(limitSource, values);
        if (!v) throw invalidRequest('Invalid null value of limit');
        limit = bytesToInt(v, 'limit');
        if (limit <= 0) throw invalidRequest('LIMIT must be strictly positive');
      }
      const predicates = filters.map((f) => makePredicate(f, values));
      const matches = (p: Partition, r: Row) =>
        isRowLive(r, now) && predicates.every((pred) => pred(p, r, now));

      let keys: string[];
      let explicit: Map<string, Buffer[]> | undefined;
      if (lookup) {
        explicit = new Map();
        for (const combo of cartesian(pkRestrictions.map((r) => resolveKeyValues(r!, values)))) {
          explicit.set(partitionKeyString(combo), combo);
        }
        keys = [...explicit.keys()];
      } else {
        keys = [...table.partitions.keys()].sort();
      }

      if (isCount) {
        let n = 0;
        for (const _ of iterateRows(table, keys, reversed, undefined, matches)) {
          if (++n >= limit) break;
        }
        const b = Buffer.allocUnsafe(8);
        b.writeBigInt64BE(BigInt(n));
        return { kind: 'rows', columns: resultColumns, rows: [[b]] };
      }

      const project = (p: Partition, r: Row): (Buffer | null)[] =>
        out.map((o) => {
          const col = (o as { col: ColumnDef }).col;
          if (col.kind === 'partition_key') return p.key[col.position];
          if (col.kind === 'clustering') return r.ck[col.position];
          return cellValue(r, col.position, now);
        });

      if (hasOrderBy && keys.length > 1) {
        // Rows of several partitions must be merged into one order: only possible without paging.
        if (options.pageSize > 0) {
          throw invalidRequest(
            'Cannot page queries with both ORDER BY and a IN restriction on the partition key; you must either ' +
              'remove the ORDER BY or the IN and sort client side, or disable paging for this query',
          );
        }
        const all = [...iterateRows(table, keys, false, undefined, matches)];
        all.sort((a, b) => table.compareCk(a[1].ck, b[1].ck) * (reversed ? -1 : 1));
        return {
          kind: 'rows',
          columns: resultColumns,
          rows: all.slice(0, limit).map(([p, r]) => project(p, r)),
        };
      }

      const resume = options.pagingState ? decodePagingState(options.pagingState) : undefined;
      const already = resume?.returned ?? 0;
      const remaining = limit - already;
      const pageSize = options.pageSize > 0 ? Math.min(options.pageSize, remaining) : remaining;
      const rows: (Buffer | null)[][] = [];
      let last: [Partition, Row] | undefined;
      let more = false;
      for (const pr of iterateRows(table, keys, reversed, resume, matches)) {
        if (rows.length >= pageSize) {
          more = true;
          break;
        }
        rows.push(project(pr[0], pr[1]));
        last = pr;
      }
      const result: ExecResult = { kind: 'rows', columns: resultColumns, rows };
      if (more && last && already + rows.length < limit) {
        result.pagingState = encodePagingState({
          partition: partitionKeyString(last[0].key),
          ck: last[1].ck,
          returned: already + rows.length,
        });
      }
      return result;
    },
  };
}

function limitSourceFor(term: Term, binds: BindCollector, table: Table): ValueSource {
  const pseudo: ColumnDef = {
    name: '[limit]',
    type: nativeType('int'),
    kind: 'regular',
    position: -1,
    compare: () => 0,
  };
  if (term.kind === 'bind') return binds.source(term, pseudo);
  if (term.lit.kind !== 'integer')
    throw invalidRequest(`Invalid LIMIT for ${table.name}: expected an integer`);
  return binds.source(term, pseudo);
}

function pkIndexesOf(stmt: Select, table: Table): number[] {
  const idx: number[] = [];
  for (const col of table.partitionKey) {
    const rel = stmt.where.find((r) => r.column === col.name && r.op === '=');
    const term = rel?.value as Term | undefined;
    if (term?.kind !== 'bind') return [];
    idx.push(term.index);
  }
  return idx;
}

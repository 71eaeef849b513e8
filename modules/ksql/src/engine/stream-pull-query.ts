import { KsqlError } from '../errors.js';
import type { Expression, Query } from '../parser/ast.js';
import { columnRefs } from '../plan/join-criteria.js';
import { validatePullQuery } from './pull-query.js';

/** ksqlDB's switch for pull queries on streams (default on). */
export const STREAM_PULL_ENABLED = 'ksql.query.pull.stream.enabled';

/** Pseudo-columns a stream pull query may not name (ksqlDB's PullQueryValidator). */
const DISALLOWED_PSEUDO_COLUMNS = ['ROWPARTITION', 'ROWOFFSET'];

/**
 * The checks ksqlDB makes on `SELECT … FROM <stream>` without EMIT before running it as a bounded
 * scan: the feature switch, the pull-query rules (no JOIN, WINDOW, GROUP BY, …), and no
 * ROWPARTITION / ROWOFFSET (the scan does not promise where a row was read from).
 */
export function checkStreamPullQuery(query: Query, props: Readonly<Record<string, string>>): void {
  if ((props[STREAM_PULL_ENABLED] ?? 'true').toLowerCase() === 'false') {
    throw new KsqlError(
      `Pull queries on streams are disabled. To create a push query on the stream, add EMIT CHANGES to the end. To enable pull queries on streams, set the ${STREAM_PULL_ENABLED} config to 'true'.`,
    );
  }
  validatePullQuery(query);
  const selected: Expression[] = [];
  for (const item of query.select) if (item.kind === 'SingleColumn') selected.push(item.expression);
  refusePseudoColumns('SELECT', selected);
  if (query.where) refusePseudoColumns('WHERE', [query.where]);
}

function refusePseudoColumns(clause: 'SELECT' | 'WHERE', expressions: readonly Expression[]): void {
  const named = new Set<string>();
  for (const e of expressions) {
    for (const ref of columnRefs(e)) if (DISALLOWED_PSEUDO_COLUMNS.includes(ref.name)) named.add(ref.name);
  }
  if (named.size > 0) {
    const list = [...named].map((n) => `\`${n}\``).join(', ');
    throw new KsqlError(`Pull queries don't support the following columns in ${clause} clauses: ${list}`);
  }
}

/** The properties a stream pull query is planned with: as ksqlDB, from the earliest offset. */
export function streamPullProperties(props: Readonly<Record<string, string>>): Record<string, string> {
  return { ...props, 'auto.offset.reset': 'earliest' };
}

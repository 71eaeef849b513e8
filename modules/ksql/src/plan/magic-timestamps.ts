import { KsqlError } from '../errors.js';
import type { Expression } from '../parser/ast.js';

const TIME_COLUMNS: ReadonlySet<string> = new Set(['ROWTIME', 'WINDOWSTART', 'WINDOWEND']);

/**
 * ksqlDB's StatementRewriteForMagicPseudoTimestamp: in WHERE, a string compared with ROWTIME,
 * WINDOWSTART or WINDOWEND (`ROWTIME > '2018-01-01T00:00:00'`, BETWEEN too) is read as a
 * timestamp and replaced by its epoch milliseconds. Done once, at plan time.
 */
export function rewriteMagicTimestamps(e: Expression): Expression {
  switch (e.kind) {
    case 'Comparison': {
      const left = rewriteMagicTimestamps(e.left);
      const right = rewriteMagicTimestamps(e.right);
      if (isTimeColumn(left) && right.kind === 'StringLiteral')
        return { ...e, left, right: millis(right.value, right.pos) };
      if (isTimeColumn(right) && left.kind === 'StringLiteral')
        return { ...e, left: millis(left.value, left.pos), right };
      return { ...e, left, right };
    }
    case 'Between': {
      if (!isTimeColumn(e.value)) return e;
      const bound = (b: Expression) => (b.kind === 'StringLiteral' ? millis(b.value, b.pos) : b);
      return { ...e, lower: bound(e.lower), upper: bound(e.upper) };
    }
    case 'And':
    case 'Or':
      return { ...e, left: rewriteMagicTimestamps(e.left), right: rewriteMagicTimestamps(e.right) };
    case 'Not':
      return { ...e, operand: rewriteMagicTimestamps(e.operand) };
    default:
      return e;
  }
}

function isTimeColumn(e: Expression): boolean {
  return e.kind === 'ColumnRef' && TIME_COLUMNS.has(e.name);
}

function millis(text: string, pos: Expression['pos']): Expression {
  return { kind: 'IntegerLiteral', value: parsePartialTimestamp(text, pos), type: 'BIGINT', pos };
}

/**
 * ksqlDB's PartialStringToTimestampParser: `yyyy[-MM[-dd[THH[:mm[:ss[.SSS]]]]]]` with an optional
 * zone (`Z`, `+0445`, `+04:45`); missing parts are their minimum, the default zone UTC.
 */
export function parsePartialTimestamp(text: string, pos?: Expression['pos']): number {
  const m =
    /^(\d{4})(?:-(\d{2})(?:-(\d{2})(?:T(\d{2})(?::(\d{2})(?::(\d{2})(?:\.(\d{1,3}))?)?)?)?)?)?(Z|[+-]\d{2}:?\d{2})?$/.exec(
      text.trim(),
    );
  if (!m) throw new KsqlError(`Failed to parse timestamp '${text}'`, pos);
  const n = (s: string | undefined, d: number) => (s === undefined ? d : Number(s));
  const ms = Date.UTC(
    n(m[1], 1970),
    n(m[2], 1) - 1,
    n(m[3], 1),
    n(m[4], 0),
    n(m[5], 0),
    n(m[6], 0),
    m[7] === undefined ? 0 : Number(m[7].padEnd(3, '0')),
  );
  const zone = m[8];
  if (!zone || zone === 'Z') return ms;
  const digits = zone.slice(1).replace(':', '');
  const offset = (Number(digits.slice(0, 2)) * 60 + Number(digits.slice(2, 4))) * 60_000;
  return zone[0] === '+' ? ms - offset : ms + offset;
}

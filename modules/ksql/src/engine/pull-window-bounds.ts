import type { Expression } from '../parser/ast.js';

/** Window starts a pull query on a windowed table can match: [from, to], both inclusive. */
export interface WindowStartBounds {
  readonly from: number;
  readonly to: number;
}

const ALL: WindowStartBounds = { from: 0, to: Number.MAX_SAFE_INTEGER };

/** Conjuncts of a WHERE (`a AND b AND c` → [a, b, c]). */
function conjuncts(e: Expression): Expression[] {
  return e.kind === 'And' ? [...conjuncts(e.left), ...conjuncts(e.right)] : [e];
}

const FLIPPED = { '<': '>', '<=': '>=', '>': '<', '>=': '<=', '=': '=' } as const;

/**
 * The WINDOWSTART range a WHERE pins through its conjuncts `WINDOWSTART <op> constant` (either side,
 * op one of = < <= > >=) and `WINDOWSTART BETWEEN a AND b`, intersected: the key lookup reads only
 * these windows (ksqlDB's WindowBounds). `integer` evaluates a constant expression to an integer,
 * undefined when the expression names a column or is not an integer (a string timestamp, say):
 * such a bound is left to the WHERE, which is applied to every row read anyway, so this only
 * narrows the read.
 */
export function windowStartBounds(
  where: Expression | undefined,
  integer: (e: Expression) => number | undefined,
): WindowStartBounds {
  if (!where) return ALL;
  let { from, to } = ALL;
  const isStart = (e: Expression): boolean => e.kind === 'ColumnRef' && e.name === 'WINDOWSTART';
  const bound = (op: keyof typeof FLIPPED, value: number | undefined): void => {
    if (value === undefined) return;
    if (op === '=' || op === '>=') from = Math.max(from, value);
    if (op === '=' || op === '<=') to = Math.min(to, value);
    if (op === '>') from = Math.max(from, Math.floor(value) + 1);
    if (op === '<') to = Math.min(to, Math.ceil(value) - 1);
  };
  for (const c of conjuncts(where)) {
    if (c.kind === 'Comparison' && c.op !== '<>') {
      if (isStart(c.left)) bound(c.op, integer(c.right));
      else if (isStart(c.right)) bound(FLIPPED[c.op], integer(c.left));
    }
    if (c.kind === 'Between' && !c.not && isStart(c.value)) {
      bound('>=', integer(c.lower));
      bound('<=', integer(c.upper));
    }
  }
  return { from, to };
}

import { SqlTypes } from '../../../types/sql-type.js';
import { CATEGORY, fixed, scalar } from '../define.js';
import { P } from '../scalar-function.js';

/**
 * INSTR(str, sub[, position[, occurrence]]): the 1-based position of the occurrence-th `sub`
 * searching from `position` (negative: searching backwards from that far from the end); 0 when
 * not found or for NULL inputs.
 */
function ordinalIndexOf(s: string, sub: string, occurrence: number): number {
  if (occurrence <= 0) return -1;
  let at = -1;
  for (let n = 0; n < occurrence; n++) {
    at = s.indexOf(sub, at + (n === 0 ? 0 : sub.length === 0 ? 1 : sub.length));
    if (at < 0) return -1;
  }
  return at;
}

function reverse(s: string): string {
  return Array.from(s).reverse().join('');
}

function find(s: string, sub: string, position: number, occurrence: number, reversed: boolean): number {
  const i = ordinalIndexOf(s.substring(position - 1), sub, occurrence);
  if (i === -1) return 0;
  return reversed ? s.length - position - i - sub.length + 2 : i + position;
}

export function instr(s: string | null, sub: string | null, position = 1, occurrence = 1): number {
  if (s === null || sub === null) return 0;
  if (Math.abs(position) > s.length) return 0;
  if (position < 0) return find(reverse(s), reverse(sub), -position, occurrence, true);
  return find(s, sub, Math.max(position, 1), occurrence, false);
}

export const INSTR = scalar(
  'INSTR',
  CATEGORY.STRING,
  'Returns the position of substring in string, or 0 if it is not found.',
  [
    fixed([P.STRING, P.STRING], SqlTypes.INTEGER, (s: string | null, sub: string | null) => instr(s, sub), {
      nulls: 'pass',
    }),
    fixed(
      [P.STRING, P.STRING, P.INT],
      SqlTypes.INTEGER,
      (s: string | null, sub: string | null, p: number | null) => instr(s, sub, p ?? 1),
      {
        nulls: 'pass',
      },
    ),
    fixed(
      [P.STRING, P.STRING, P.INT, P.INT],
      SqlTypes.INTEGER,
      (s: string | null, sub: string | null, p: number | null, o: number | null) =>
        instr(s, sub, p ?? 1, o ?? 1),
      { nulls: 'pass' },
    ),
  ],
);

import { createHash } from 'node:crypto';
import { SqlTypes } from '../../../types/sql-type.js';
import { CATEGORY, fixed, scalar } from '../define.js';
import { P, type ScalarVariant } from '../scalar-function.js';

/**
 * MASK and its left/right variants: upper-case letters become 'X', lower-case 'x', digits 'n',
 * anything else '-', unless other replacement characters are given (NULL keeps that class as is).
 */
interface Masker {
  readonly upper: string | null;
  readonly lower: string | null;
  readonly digit: string | null;
  readonly other: string | null;
}

const DEFAULT: Masker = { upper: 'X', lower: 'x', digit: 'n', other: '-' };

function maskChar(c: string, m: Masker): string {
  if (c >= 'A' && c <= 'Z') return m.upper ?? c;
  if (c >= 'a' && c <= 'z') return m.lower ?? c;
  if (c >= '0' && c <= '9') return m.digit ?? c;
  return m.other ?? c;
}

function maskRange(s: string, from: number, to: number, m: Masker): string {
  let out = '';
  for (let i = 0; i < s.length; i++) out += i >= from && i < to ? maskChar(s[i], m) : s[i];
  return out;
}

const masker = (a: unknown[], at: number): Masker =>
  a.length > at
    ? {
        upper: a[at] as string | null,
        lower: a[at + 1] as string | null,
        digit: a[at + 2] as string | null,
        other: a[at + 3] as string | null,
      }
    : DEFAULT;

type Range = (s: string, n: number) => [number, number];

function variants(range: Range | undefined): ScalarVariant[] {
  const withN = range !== undefined;
  const base = withN ? [P.STRING, P.INT] : [P.STRING];
  const at = base.length;
  const impl = (a: unknown[]) => {
    const s = a[0] as string | null;
    if (s === null) return null;
    const n = withN ? (a[1] as number | null) : 0;
    if (n === null) return null;
    if (withN && n < 0) throw new RangeError('function input must be >= 0');
    const [from, to] = range ? range(s, n) : [0, s.length];
    return maskRange(s, from, to, masker(a, at));
  };
  return [
    { params: base, returns: SqlTypes.STRING, nulls: 'pass', implement: () => impl },
    {
      params: [...base, P.STRING, P.STRING, P.STRING, P.STRING],
      returns: SqlTypes.STRING,
      nulls: 'pass',
      implement: () => impl,
    },
  ];
}

export const MASK = scalar(
  'MASK',
  CATEGORY.STRING,
  'Returns a masked version of the input string.',
  variants(undefined),
);
export const MASK_LEFT = scalar(
  'MASK_LEFT',
  CATEGORY.STRING,
  'Returns a version of the input string with the first n characters masked.',
  variants((_s, n) => [0, n]),
);
export const MASK_RIGHT = scalar(
  'MASK_RIGHT',
  CATEGORY.STRING,
  'Returns a version of the input string with the last n characters masked.',
  variants((s, n) => [s.length - n, s.length]),
);
export const MASK_KEEP_LEFT = scalar(
  'MASK_KEEP_LEFT',
  CATEGORY.STRING,
  'Returns a masked version of the input string, except for the first n characters.',
  variants((s, n) => [n, s.length]),
);
export const MASK_KEEP_RIGHT = scalar(
  'MASK_KEEP_RIGHT',
  CATEGORY.STRING,
  'Returns a masked version of the input string, except for the last n characters.',
  variants((s, n) => [0, s.length - n]),
);

export const MD5 = scalar('MD5', CATEGORY.STRING, 'Returns the hex-encoded MD5 hash of the input string.', [
  fixed([P.STRING], SqlTypes.STRING, (s: string) => createHash('md5').update(s, 'utf8').digest('hex')),
]);

import { SqlTypes } from '../../../types/sql-type.js';
import { CATEGORY, fixed, scalar } from '../define.js';
import { P } from '../scalar-function.js';

/**
 * LPAD / RPAD(input, length, padding): pads with repeated `padding` to `length`, truncating a
 * longer input to `length`; NULL when padding is empty or NULL or length negative.
 */
function padString(input: string, len: number | null, pad: string | null, left: boolean): string | null {
  if (pad === null || pad === '' || len === null || len < 0) return null;
  const fill = Math.max(len - input.length, 0);
  const padding = pad.repeat(Math.ceil(fill / pad.length)).slice(0, fill);
  return (left ? padding + input : input + padding).slice(0, len);
}

function padBytes(input: Buffer, len: number | null, pad: Buffer | null, left: boolean): Buffer | null {
  if (pad === null || pad.length === 0 || len === null || len < 0) return null;
  if (input.length >= len) return Buffer.from(input.subarray(0, len));
  const out = Buffer.alloc(len);
  const fill = len - input.length;
  const padStart = left ? 0 : input.length;
  for (let i = 0; i < fill; i++) out[padStart + i] = pad[i % pad.length];
  input.copy(out, left ? fill : 0);
  return out;
}

function variants(left: boolean) {
  return [
    fixed(
      [P.STRING, P.INT, P.STRING],
      SqlTypes.STRING,
      (s: string | null, n: number | null, p: string | null) =>
        s === null ? null : padString(s, n, p, left),
      {
        nulls: 'pass',
        paramNames: ['input', 'length', 'padding'],
      },
    ),
    fixed(
      [P.BYTES, P.INT, P.BYTES],
      SqlTypes.BYTES,
      (s: Buffer | null, n: number | null, p: Buffer | null) => (s === null ? null : padBytes(s, n, p, left)),
      {
        nulls: 'pass',
      },
    ),
  ];
}

export const LPAD = scalar(
  'LPAD',
  CATEGORY.STRING,
  'Pads the input string or bytes, beginning from the left, with the specified padding until the target length is reached.',
  variants(true),
);
export const RPAD = scalar(
  'RPAD',
  CATEGORY.STRING,
  'Pads the input string or bytes, starting from the end, with the specified padding until the target length is reached.',
  variants(false),
);

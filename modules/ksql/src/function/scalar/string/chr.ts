import { SqlTypes } from '../../../types/sql-type.js';
import { CATEGORY, fixed, scalar } from '../define.js';
import { P } from '../scalar-function.js';

/** CHR(code point) or CHR('\uXXXX'); NULL for an invalid code point or escape. */
export const CHR = scalar(
  'CHR',
  CATEGORY.STRING,
  'Returns a single-character string corresponding to the input character code.',
  [
    fixed([P.INT], SqlTypes.STRING, (code: number) =>
      code >= 0 && code <= 0x10ffff ? String.fromCodePoint(code) : null,
    ),
    fixed([P.STRING], SqlTypes.STRING, (esc: string) => {
      if (esc.length < 6 || !esc.startsWith('\\u')) return null;
      return esc.replace(/\\u([0-9a-fA-F]{4})/g, (_, hex: string) =>
        String.fromCharCode(Number.parseInt(hex, 16)),
      );
    }),
  ],
);

import { SqlTypes } from '../../../types/sql-type.js';
import { CATEGORY, fixed, scalar } from '../define.js';
import { P } from '../scalar-function.js';

/** LEN counts UTF-16 code units, as Java's String.length(); bytes count bytes. */
export const LEN = scalar('LEN', CATEGORY.STRING, 'Returns the length of a string or bytes value.', [
  fixed([P.STRING], SqlTypes.INTEGER, (s: string) => s.length),
  fixed([P.BYTES], SqlTypes.INTEGER, (b: Buffer) => b.length),
]);

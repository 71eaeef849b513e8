import { SqlTypes } from '../../../types/sql-type.js';
import { CATEGORY, fixed, scalar } from '../define.js';
import { P } from '../scalar-function.js';

/** Every literal occurrence of `substring` replaced (Java's String.replace, no regular expressions). */
export const REPLACE = scalar(
  'REPLACE',
  CATEGORY.STRING,
  'Replaces all instances of a substring in a string with a new string.',
  [
    fixed([P.STRING, P.STRING, P.STRING], SqlTypes.STRING, (s: string, find: string, repl: string) =>
      s.split(find).join(repl),
    ),
  ],
);

import { SqlTypes } from '../../../types/sql-type.js';
import { CATEGORY, fixed, scalar } from '../define.js';
import { P } from '../scalar-function.js';

export const LCASE = scalar('LCASE', CATEGORY.STRING, 'Converts a string to lowercase.', [
  fixed([P.STRING], SqlTypes.STRING, (s: string) => s.toLowerCase()),
]);

export const UCASE = scalar('UCASE', CATEGORY.STRING, 'Converts a string to uppercase.', [
  fixed([P.STRING], SqlTypes.STRING, (s: string) => s.toUpperCase()),
]);

/** Each whitespace-delimited word: first letter upper-cased, the rest lower-cased (whitespace kept). */
export const INITCAP = scalar(
  'INITCAP',
  CATEGORY.STRING,
  'Capitalizes the first letter of each word in a string and the rest lowercased. Words are delimited by whitespace.',
  [
    fixed([P.STRING], SqlTypes.STRING, (s: string) =>
      s.toLowerCase().replace(/\S+\s*/g, (w) => w[0].toUpperCase() + w.slice(1)),
    ),
  ],
);

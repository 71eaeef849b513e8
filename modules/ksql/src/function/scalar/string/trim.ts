import { SqlTypes } from '../../../types/sql-type.js';
import { CATEGORY, fixed, scalar } from '../define.js';
import { P } from '../scalar-function.js';

// Java's String.trim() removes the characters up to U+0020 (spaces and control characters) only.
function start(s: string): number {
  let i = 0;
  while (i < s.length && s.charCodeAt(i) <= 0x20) i++;
  return i;
}

function end(s: string): number {
  let j = s.length;
  while (j > 0 && s.charCodeAt(j - 1) <= 0x20) j--;
  return j;
}

export const TRIM = scalar(
  'TRIM',
  CATEGORY.STRING,
  'Removes leading and trailing whitespace from a string.',
  [fixed([P.STRING], SqlTypes.STRING, (s: string) => s.slice(start(s), Math.max(start(s), end(s))))],
);

export const LTRIM = scalar('LTRIM', CATEGORY.STRING, 'Removes leading whitespace from a string.', [
  fixed([P.STRING], SqlTypes.STRING, (s: string) => s.slice(start(s))),
]);

export const RTRIM = scalar('RTRIM', CATEGORY.STRING, 'Removes trailing whitespace from a string.', [
  fixed([P.STRING], SqlTypes.STRING, (s: string) => s.slice(0, end(s))),
]);

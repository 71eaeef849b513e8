import { SqlTypes } from '../../../types/sql-type.js';
import { CATEGORY, fixed, scalar } from '../define.js';
import { P } from '../scalar-function.js';

// Java's String.trim() removes characters up to U+0020 (spaces and control characters) only.
const LEADING = /^[\u0000-\u0020]+/;
const TRAILING = /[\u0000-\u0020]+$/;

export const TRIM = scalar('TRIM', CATEGORY.STRING, 'Removes leading and trailing whitespace from a string.', [
  fixed([P.STRING], SqlTypes.STRING, (s: string) => s.replace(LEADING, '').replace(TRAILING, '')),
]);

export const LTRIM = scalar('LTRIM', CATEGORY.STRING, 'Removes leading whitespace from a string.', [
  fixed([P.STRING], SqlTypes.STRING, (s: string) => s.replace(LEADING, '')),
]);

export const RTRIM = scalar('RTRIM', CATEGORY.STRING, 'Removes trailing whitespace from a string.', [
  fixed([P.STRING], SqlTypes.STRING, (s: string) => s.replace(TRAILING, '')),
]);

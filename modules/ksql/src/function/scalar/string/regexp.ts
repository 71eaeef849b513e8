import { SqlTypes } from '../../../types/sql-type.js';
import { CATEGORY, bound, prepareOnce, scalar } from '../define.js';
import { type BoundCall, P, type ScalarImpl } from '../scalar-function.js';

/**
 * Regular-expression functions. Java and JavaScript regular expressions agree on the common
 * syntax; a literal pattern compiles once per call site, a pattern from a column per new value.
 */
function regexArg(call: BoundCall, index: number, flags: string): (v: unknown) => RegExp {
  const c = call.constants[index];
  if (c && typeof c.value === 'string') {
    const source = c.value;
    return prepareOnce(() => new RegExp(source, flags));
  }
  let last: string | undefined;
  let lastRe: RegExp | undefined;
  return (v) => {
    if (v !== last || !lastRe) {
      lastRe = new RegExp(v as string, flags);
      last = v as string;
    }
    return lastRe;
  };
}

function extract(call: BoundCall): ScalarImpl {
  const re = regexArg(call, 0, 'u');
  return (a) => {
    const m = re(a[0]).exec(a[1] as string);
    const group = a.length > 2 ? (a[2] as number) : 0;
    return m ? (m[group] ?? null) : null;
  };
}

function extractAll(call: BoundCall): ScalarImpl {
  const re = regexArg(call, 0, 'gu');
  return (a) => {
    const group = a.length > 2 ? (a[2] as number) : 0;
    return [...(a[1] as string).matchAll(re(a[0]))].map((m) => m[group] ?? null);
  };
}

export const REGEXP_EXTRACT = scalar(
  'REGEXP_EXTRACT',
  CATEGORY.STRING,
  'Extracts the first substring matched by the regular expression pattern from the input (or one of its groups).',
  [
    bound([P.STRING, P.STRING], SqlTypes.STRING, extract, { paramNames: ['pattern', 'input'] }),
    bound([P.STRING, P.STRING, P.INT], SqlTypes.STRING, extract, {
      paramNames: ['pattern', 'input', 'group'],
    }),
  ],
);

export const REGEXP_EXTRACT_ALL = scalar(
  'REGEXP_EXTRACT_ALL',
  CATEGORY.STRING,
  'Extracts all substrings matched by the regular expression pattern from the input (or one of their groups).',
  [
    bound([P.STRING, P.STRING], SqlTypes.array(SqlTypes.STRING), extractAll),
    bound([P.STRING, P.STRING, P.INT], SqlTypes.array(SqlTypes.STRING), extractAll),
  ],
);

export const REGEXP_REPLACE = scalar(
  'REGEXP_REPLACE',
  CATEGORY.STRING,
  'Replaces all matches of a regular expression in an input string with a new string.',
  [
    bound([P.STRING, P.STRING, P.STRING], SqlTypes.STRING, (call) => {
      const re = regexArg(call, 1, 'gu');
      return (a) => (a[0] as string).replace(re(a[1]), a[2] as string);
    }),
  ],
);

/** Like Java's String.split: trailing empty strings are dropped. */
/**
 * Java's String.split(regex): capture groups are not part of the result (JS's split would add
 * them), a zero-width match at the start adds no leading empty string, trailing empty strings go.
 */
function javaSplit(s: string, re: RegExp): string[] {
  const parts: string[] = [];
  let start = 0;
  for (const m of s.matchAll(re)) {
    const at = m.index ?? 0;
    if (m[0].length === 0 && at === 0) continue;
    parts.push(s.slice(start, at));
    start = at + m[0].length;
  }
  parts.push(s.slice(start));
  while (parts.length > 1 && parts[parts.length - 1] === '') parts.pop();
  return parts;
}

export const REGEXP_SPLIT_TO_ARRAY = scalar(
  'REGEXP_SPLIT_TO_ARRAY',
  CATEGORY.STRING,
  'Splits a string into an array of substrings based on a regular expression.',
  [
    bound([P.STRING, P.STRING], SqlTypes.array(SqlTypes.STRING), (call) => {
      const re = regexArg(call, 1, 'gu');
      return (a) => javaSplit(a[0] as string, re(a[1]));
    }),
  ],
);

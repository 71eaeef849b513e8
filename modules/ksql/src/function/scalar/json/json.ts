import { SqlTypes } from '../../../types/sql-type.js';
import { CATEGORY, fixed, scalar } from '../define.js';
import { P } from '../scalar-function.js';
import { type JsonValue, readJson, writeJson } from './json-text.js';

/**
 * JSON functions on JSON text. A path is ksqlDB's JsonPath subset: `$`, `.name`, `['name']`,
 * `[index]`. Unparseable JSON or a missing path gives NULL.
 */
function parseJson(text: string): { ok: true; value: unknown } | { ok: false } {
  try {
    return { ok: true, value: JSON.parse(text) };
  } catch {
    return { ok: false };
  }
}

export function parseJsonPath(path: string): (string | number)[] {
  const p = path.trim();
  if (!p.startsWith('$')) throw new RangeError(`Invalid JSON path: '${path}'`);
  const tokens: (string | number)[] = [];
  const re = /\.([^.[\]]+)|\[\s*(\d+)\s*\]|\[\s*'((?:[^']|'')*)'\s*\]|\[\s*"([^"]*)"\s*\]/y;
  let i = 1;
  while (i < p.length) {
    re.lastIndex = i;
    const m = re.exec(p);
    if (!m) throw new RangeError(`Invalid JSON path: '${path}'`);
    if (m[1] !== undefined) tokens.push(m[1]);
    else if (m[2] !== undefined) tokens.push(Number(m[2]));
    else tokens.push(m[3] !== undefined ? m[3].replace(/''/g, "'") : (m[4] as string));
    i = re.lastIndex;
  }
  return tokens;
}

function walk(value: unknown, tokens: readonly (string | number)[]): unknown {
  let cur = value;
  for (const t of tokens) {
    if (cur === null || typeof cur !== 'object') return undefined;
    if (Array.isArray(cur)) {
      if (typeof t !== 'number') return undefined;
      cur = cur[t];
    } else {
      cur = (cur as Record<string, unknown>)[String(t)];
    }
    if (cur === undefined) return undefined;
  }
  return cur;
}

const pathCache = new Map<string, (string | number)[]>();
function tokensOf(path: string): (string | number)[] {
  let t = pathCache.get(path);
  if (!t) {
    t = parseJsonPath(path);
    if (pathCache.size > 1000) pathCache.clear();
    pathCache.set(path, t);
  }
  return t;
}

/** A string node is its text; anything else its JSON text; JSON null is SQL NULL. */
export const EXTRACTJSONFIELD = scalar(
  'EXTRACTJSONFIELD',
  CATEGORY.JSON,
  'Given a STRING that contains JSON data, extract the value at the specified JSONPath or NULL if the specified path does not exist.',
  [
    fixed([P.STRING, P.STRING], SqlTypes.STRING, (json: string, path: string) => {
      // Jackson reads the first value (text after it is ignored) and keeps numbers as written
      const parsed = readJson(json);
      if (parsed === undefined) return null;
      const v = walk(parsed, tokensOf(path)) as JsonValue | undefined;
      if (v === undefined || v === null) return null;
      return typeof v === 'string' ? v : writeJson(v);
    }),
  ],
);

export const IS_JSON_STRING = scalar(
  'IS_JSON_STRING',
  CATEGORY.JSON,
  'Given a string, returns true if it can be parsed as a valid JSON value, false otherwise.',
  [
    fixed([P.STRING], SqlTypes.BOOLEAN, (s: string | null) => s !== null && parseJson(s).ok, {
      nulls: 'pass',
    }),
  ],
);

export const JSON_ARRAY_LENGTH = scalar(
  'JSON_ARRAY_LENGTH',
  CATEGORY.JSON,
  'Given a string with a JSON array, returns the array length, or NULL if it is not an array.',
  [
    fixed([P.STRING], SqlTypes.INTEGER, (s: string) => {
      const parsed = parseJson(s);
      return parsed.ok && Array.isArray(parsed.value) ? parsed.value.length : null;
    }),
  ],
);

export const JSON_KEYS = scalar(
  'JSON_KEYS',
  CATEGORY.JSON,
  'Given a string with a JSON object, returns its keys, or NULL if it is not an object.',
  [
    fixed([P.STRING], SqlTypes.array(SqlTypes.STRING), (s: string) => {
      const parsed = parseJson(s);
      return parsed.ok &&
        parsed.value !== null &&
        typeof parsed.value === 'object' &&
        !Array.isArray(parsed.value)
        ? Object.keys(parsed.value)
        : null;
    }),
  ],
);

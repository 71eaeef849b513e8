/**
 * A fast path for the most common JSON payload: one flat object of scalars (strings without
 * escapes, numbers, booleans, nulls). It reads the columns' raw values straight from the text —
 * no JSON.parse object, no property lookups by name — and gives up (returns false) on anything
 * else: escapes, nested values, duplicate or ambiguous names, malformed text. The caller then runs
 * JSON.parse on the same text, so every payload the fast path does not take, valid or not, is read
 * (or refused, with JSON.parse's message) exactly as before.
 *
 * Names resolve as the general reader resolves them (json-format.ts): a column takes the value of
 * its exact name, else of the name whose upper case equals it. Payloads carry the same names in
 * the same order record after record, so the name at each position is remembered with what it
 * resolved to, and the next record's name there is only compared to it.
 */

/** Fills `raw` (one slot per column; `undefined` for absent) from `text`; false: not a flat object. */
export type FlatRowScanner = (text: string, raw: unknown[]) => boolean;

const QUOTE = 34;
const BACKSLASH = 92;
const COMMA = 44;
const COLON = 58;
const OPEN = 123;
const CLOSE = 125;
const MINUS = 45;
const DOT = 46;
const ZERO = 48;
const NINE = 57;
const PLUS = 43;
const SPACE = 32;
const LF = 10;
const CR = 13;
const TAB = 9;
/** Positions whose names are remembered (wider objects resolve the rest by map lookups). */
const REMEMBERED = 64;
/** Powers of ten exactly representable as doubles, for the exact short-decimal conversion. */
const POW10 = Array.from({ length: 23 }, (_, i) => 10 ** i);

/**
 * `skip`: columns whose values are not wanted — scanned (the text must still be a valid flat
 * object) but never copied out; their slots are left undefined.
 */
export function compileFlatRowScanner(
  names: readonly string[],
  skip: readonly boolean[] = [],
): FlatRowScanner | undefined {
  const n = names.length;
  const byName = new Map<string, number>();
  for (let i = 0; i < n; i++) byName.set(names[i], i);
  if (byName.size !== n) return undefined; // duplicate column names: the general reader only
  const skipped = Uint8Array.from(names, (_, i) => (skip[i] === true ? 1 : 0));
  // per position in the object: the name last seen there and the columns it resolved to (-1: none)
  const seenName: (string | undefined)[] = new Array(REMEMBERED).fill(undefined);
  const seenExact = new Int32Array(REMEMBERED);
  const seenUpper = new Int32Array(REMEMBERED);
  // per record: which columns got a value by exact name / by upper-cased name, and the values
  const exactSet = new Uint8Array(n);
  const upperSet = new Uint8Array(n);
  const upperValues = new Array<unknown>(n);

  // One function with local state and the token loops written out: V8's JSON.parse is hard to
  // beat, and helper closures sharing the position through their context were slower than it.
  return (text, raw) => {
    let pos = 0;
    let c = text.charCodeAt(pos);
    while (c === SPACE || c === LF || c === CR || c === TAB) c = text.charCodeAt(++pos);
    if (c !== OPEN) return false;
    c = text.charCodeAt(++pos);
    while (c === SPACE || c === LF || c === CR || c === TAB) c = text.charCodeAt(++pos);
    exactSet.fill(0);
    upperSet.fill(0);
    if (c === CLOSE) pos++;
    else {
      for (let at = 0; ; at++) {
        // the name: the one remembered at this position, else resolved (and remembered)
        if (c !== QUOTE) return false;
        pos++;
        let exact: number;
        let upper: number;
        const known = at < REMEMBERED ? seenName[at] : undefined;
        if (
          known !== undefined &&
          text.startsWith(known, pos) &&
          text.charCodeAt(pos + known.length) === QUOTE
        ) {
          pos += known.length + 1;
          exact = seenExact[at];
          upper = seenUpper[at];
        } else {
          let end = pos;
          for (; ; end++) {
            const d = text.charCodeAt(end);
            if (d === QUOTE) break;
            if (d === BACKSLASH || d < 32 || Number.isNaN(d)) return false; // escape, control, end
          }
          const name = text.slice(pos, end);
          if (name === '__proto__') return false;
          pos = end + 1;
          exact = byName.get(name) ?? -1;
          upper = byName.get(name.toUpperCase()) ?? -1;
          if (at < REMEMBERED) {
            seenName[at] = name;
            seenExact[at] = exact;
            seenUpper[at] = upper;
          }
        }
        c = text.charCodeAt(pos);
        while (c === SPACE || c === LF || c === CR || c === TAB) c = text.charCodeAt(++pos);
        if (c !== COLON) return false;
        c = text.charCodeAt(++pos);
        while (c === SPACE || c === LF || c === CR || c === TAB) c = text.charCodeAt(++pos);
        // the value: a scalar, else give up
        let value: unknown;
        if (c === QUOTE) {
          let end = ++pos;
          for (; ; end++) {
            const d = text.charCodeAt(end);
            if (d === QUOTE) break;
            if (d === BACKSLASH || d < 32 || Number.isNaN(d)) return false;
          }
          // a string only skipped columns take is not copied out of the text
          const wanted = (exact >= 0 && skipped[exact] === 0) || (upper >= 0 && skipped[upper] === 0);
          value = wanted ? text.slice(pos, end) : undefined;
          pos = end + 1;
        } else if (c === 116 /* t */ && text.startsWith('true', pos)) {
          value = true;
          pos += 4;
        } else if (c === 102 /* f */ && text.startsWith('false', pos)) {
          value = false;
          pos += 5;
        } else if (c === 110 /* n */ && text.startsWith('null', pos)) {
          value = null;
          pos += 4;
        } else {
          // -?(0|[1-9][0-9]*)(.[0-9]+)?([eE][+-]?[0-9]+)?
          const from = pos;
          const negative = c === MINUS;
          if (negative) c = text.charCodeAt(++pos);
          let mantissa = 0;
          let digits = 0;
          let scale = 0;
          if (c === ZERO) {
            c = text.charCodeAt(++pos);
            if (c >= ZERO && c <= NINE) return false; // a leading zero
          } else if (c > ZERO && c <= NINE) {
            do {
              mantissa = mantissa * 10 + (c - ZERO);
              digits++;
              c = text.charCodeAt(++pos);
            } while (c >= ZERO && c <= NINE);
          } else return false;
          if (c === DOT) {
            c = text.charCodeAt(++pos);
            if (!(c >= ZERO && c <= NINE)) return false;
            do {
              mantissa = mantissa * 10 + (c - ZERO);
              digits++;
              scale++;
              c = text.charCodeAt(++pos);
            } while (c >= ZERO && c <= NINE);
          }
          if (c === 101 || c === 69) {
            // e / E: the exponent's conversion is left to Number
            c = text.charCodeAt(++pos);
            if (c === PLUS || c === MINUS) c = text.charCodeAt(++pos);
            if (!(c >= ZERO && c <= NINE)) return false;
            do c = text.charCodeAt(++pos);
            while (c >= ZERO && c <= NINE);
            value = Number(text.slice(from, pos));
          } else if (digits <= 15 && scale <= 22) {
            // Up to 15 digits and a power of ten below 10^23 are exact doubles, so their quotient
            // is the correctly rounded value of the decimal, as Number() and JSON.parse give it.
            const v = scale === 0 ? mantissa : mantissa / POW10[scale];
            value = negative ? -v : v;
          } else value = Number(text.slice(from, pos));
        }
        // A column named twice (duplicates, or two names upper-casing alike) is left to the
        // general reader, which knows which of them wins.
        if (exact >= 0) {
          if (exactSet[exact]) return false;
          exactSet[exact] = 1;
          raw[exact] = skipped[exact] === 1 ? undefined : value;
        }
        if (upper >= 0) {
          if (upperSet[upper]) return false;
          upperSet[upper] = 1;
          upperValues[upper] = skipped[upper] === 1 ? undefined : value;
        }
        c = text.charCodeAt(pos);
        while (c === SPACE || c === LF || c === CR || c === TAB) c = text.charCodeAt(++pos);
        pos++;
        if (c === CLOSE) break;
        if (c !== COMMA) return false;
        c = text.charCodeAt(pos);
        while (c === SPACE || c === LF || c === CR || c === TAB) c = text.charCodeAt(++pos);
      }
    }
    c = text.charCodeAt(pos);
    while (c === SPACE || c === LF || c === CR || c === TAB) c = text.charCodeAt(++pos);
    if (pos !== text.length) return false;
    for (let i = 0; i < n; i++) {
      if (exactSet[i]) continue;
      raw[i] = upperSet[i] ? upperValues[i] : undefined;
    }
    return true;
  };
}

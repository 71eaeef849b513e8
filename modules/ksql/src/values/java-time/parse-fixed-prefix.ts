import { FIELD_SETTERS, type Parsed } from './fields.js';
import { isDigit, parseOffset, reservedWidth } from './parse.js';
import type { Element } from './pattern.js';

/**
 * The start of a pattern made of fixed-width parts (`yyyy-MM-dd'T'HH:mm:ss[.SSS]X` in ISO-like
 * patterns), parsed by straight-line steps: literal characters compared exactly, digits read in
 * place, an optional section of such parts taken when all of it matches, a zone offset. It returns
 * the position after the prefix, or -1 whenever the text does not have exactly that shape (another
 * case of a literal, a signed or longer year, …): parse() then runs the general parser from the
 * start, so the fast path only ever decides inputs the general parser reads identically.
 */
interface FixedPrefix {
  readonly parse: (text: string, p: Parsed) => number;
  /** The elements after the prefix, parsed by the general parser. */
  readonly tail: readonly Element[];
}

// the kinds of prefix steps
const CHAR = 0;
const DIGITS = 1;
/** A variable-width year whose digits must end exactly at its minimum width (no digit follows). */
const YEAR = 2;
/** An optional section of CHAR and DIGITS steps: taken when all of them match, else skipped. */
const OPTIONAL = 3;
const OFFSET = 4;

interface PrefixStep {
  readonly kind: number;
  /** Digits to read, or the character code of a literal. */
  readonly width: number;
  readonly set: (p: Parsed, v: number) => void;
  readonly section: readonly PrefixStep[];
  readonly offset: Extract<Element, { k: 'offset' }> | undefined;
}

const setNothing = (_p: Parsed, _v: number): void => {};

/** The steps for `els` from the first while they are fixed-width parts; `end`: the index it stopped at. */
function prefixSteps(
  els: readonly Element[],
  inSection: boolean,
): { steps: PrefixStep[]; end: number; numbers: number } {
  const steps: PrefixStep[] = [];
  let numbers = 0;
  const step = (kind: number, width: number, set: (p: Parsed, v: number) => void = setNothing): void => {
    steps.push({ kind, width, set, section: [], offset: undefined });
    if (kind !== CHAR) numbers++;
  };
  let k = 0;
  for (; k < els.length; k++) {
    const e = els[k];
    if (e.k === 'lit') {
      // In a section a mismatch skips the section, so it must not hide a case-insensitive match.
      if (inSection && e.text.toLowerCase() !== e.text.toUpperCase()) break;
      for (let c = 0; c < e.text.length; c++) step(CHAR, e.text.charCodeAt(c));
    } else if (e.k === 'year2') step(DIGITS, 2, (p, v) => (p.year2 = v));
    else if (e.k === 'frac' && e.width <= 9) {
      const scale = 10 ** (9 - e.width);
      step(DIGITS, e.width, (p, v) => (p.nano = v * scale));
    } else if (e.k === 'num' && e.field === 'year') {
      if (inSection || e.min > 15 || reservedWidth(els, k) > 0) break;
      step(YEAR, e.min, (p, v) => (p.year = v));
    } else if (
      e.k === 'num' &&
      e.min === e.max &&
      e.min <= 15 &&
      e.field !== 'hour1_12' &&
      e.field !== 'hour0_11' &&
      e.field !== 'hour1_24'
    ) {
      step(DIGITS, e.min, FIELD_SETTERS[e.field]);
    } else if (e.k === 'opt' && !inSection) {
      const inner = prefixSteps(e.els, true);
      if (inner.end !== e.els.length || inner.steps.length === 0) break;
      steps.push({ kind: OPTIONAL, width: 0, set: setNothing, section: inner.steps, offset: undefined });
    } else if (e.k === 'offset' && !inSection) {
      steps.push({ kind: OFFSET, width: 0, set: setNothing, section: [], offset: e });
    } else break;
  }
  return { steps, end: k, numbers };
}

/** The value of the `width` digits at `from`, or -1 when one of them is not a digit. */
function digitsAt(text: string, from: number, width: number): number {
  let v = 0;
  for (let j = from; j < from + width; j++) {
    const c = text.charCodeAt(j) - 48;
    if (!(c >= 0 && c <= 9)) return -1;
    v = v * 10 + c;
  }
  return v;
}

/** Whether all steps of a section match at `pos` (nothing set); its end, or -1. */
function sectionEnd(steps: readonly PrefixStep[], text: string, pos: number): number {
  for (let i = 0; i < steps.length; i++) {
    const s = steps[i];
    if (s.kind === CHAR) {
      if (text.charCodeAt(pos) !== s.width) return -1;
      pos++;
    } else {
      if (digitsAt(text, pos, s.width) < 0) return -1;
      pos += s.width;
    }
  }
  return pos;
}

export function fixedPrefix(els: readonly Element[]): FixedPrefix | undefined {
  const { steps, end, numbers } = prefixSteps(els, false);
  if (numbers === 0) return undefined;
  const n = steps.length;
  return {
    tail: els.slice(end),
    parse(text, p) {
      let pos = 0;
      for (let i = 0; i < n; i++) {
        const s = steps[i];
        switch (s.kind) {
          case CHAR:
            if (text.charCodeAt(pos) !== s.width) return -1;
            pos++;
            break;
          case DIGITS:
          case YEAR: {
            const v = digitsAt(text, pos, s.width);
            if (v < 0) return -1;
            pos += s.width;
            if (s.kind === YEAR && isDigit(text.charCodeAt(pos))) return -1;
            s.set(p, v);
            break;
          }
          case OPTIONAL: {
            if (sectionEnd(s.section, text, pos) < 0) break; // absent: as the general parser skips it
            for (const inner of s.section) {
              if (inner.kind === DIGITS) inner.set(p, digitsAt(text, pos, inner.width));
              pos += inner.kind === CHAR ? 1 : inner.width;
            }
            break;
          }
          default: {
            const at = parseOffset(text, pos, s.offset as Extract<Element, { k: 'offset' }>, p);
            if (at < 0) return -1;
            pos = at;
          }
        }
      }
      return pos;
    },
  };
}

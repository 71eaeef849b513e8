import { type NumField, Parsed } from './fields.js';

/** A compiled pattern part: a literal, a field of some width or style, an optional section. */
export type Element =
  | { readonly k: 'lit'; readonly text: string }
  | { readonly k: 'num'; readonly field: NumField; readonly min: number; readonly max: number }
  | { readonly k: 'year2' }
  | { readonly k: 'frac'; readonly width: number }
  | {
      readonly k: 'text';
      readonly field: 'month' | 'dow' | 'ampm' | 'era' | 'quarter';
      readonly style: 'short' | 'full' | 'narrow';
    }
  | { readonly k: 'offset'; readonly pattern: string; readonly zero: string }
  | { readonly k: 'gmt'; readonly full: boolean }
  | { readonly k: 'zoneName'; readonly full: boolean }
  | { readonly k: 'zoneId' }
  /** `snapshot`: where parsing saves the fields before trying the section (restored when it fails). */
  | { readonly k: 'opt'; readonly els: readonly Element[]; readonly snapshot: Parsed };

function patternError(pattern: string, message: string): RangeError {
  return new RangeError(`${message} in pattern '${pattern}'`);
}

function letterElement(pattern: string, c: string, n: number): Element {
  const num = (field: NumField, fixedMax = 2): Element =>
    n === 1
      ? { k: 'num', field, min: 1, max: 19 }
      : n === 2
        ? { k: 'num', field, min: 2, max: 2 }
        : (() => {
            if (n <= fixedMax) return { k: 'num', field, min: n, max: n } as Element;
            throw patternError(pattern, `Too many pattern letters: ${c}`);
          })();
  switch (c) {
    case 'y':
    case 'u':
      return n === 2 ? { k: 'year2' } : { k: 'num', field: 'year', min: n, max: 19 };
    case 'Y':
      return { k: 'num', field: 'weekYear', min: n === 1 ? 1 : n, max: n === 2 ? 2 : 19 };
    case 'w':
      return num('weekOfYear');
    case 'W':
      return { k: 'num', field: 'weekOfMonth', min: 1, max: 1 };
    case 'Q':
    case 'q':
      if (n <= 2) return { k: 'num', field: 'quarter', min: n, max: n };
      return { k: 'text', field: 'quarter', style: n === 3 ? 'short' : 'full' };
    case 'A':
      return { k: 'num', field: 'milliOfDay', min: n, max: 19 };
    case 'N':
      return { k: 'num', field: 'nanoOfDay', min: n, max: 19 };
    case 'M':
    case 'L':
      if (n <= 2) return num('month');
      if (n <= 5)
        return { k: 'text', field: 'month', style: n === 3 ? 'short' : n === 4 ? 'full' : 'narrow' };
      throw patternError(pattern, `Too many pattern letters: ${c}`);
    case 'd':
      return num('day');
    case 'D':
      return n === 1
        ? { k: 'num', field: 'dayOfYear', min: 1, max: 3 }
        : n === 2
          ? { k: 'num', field: 'dayOfYear', min: 2, max: 3 }
          : num('dayOfYear', 3);
    case 'H':
      return num('hour');
    case 'k':
      return num('hour1_24');
    case 'K':
      return num('hour0_11');
    case 'h':
      return num('hour1_12');
    case 'm':
      return num('minute');
    case 's':
      return num('second');
    case 'S':
      return { k: 'frac', width: n };
    case 'n':
      return { k: 'num', field: 'nano', min: n, max: 19 };
    case 'a':
      if (n > 1) throw patternError(pattern, `Too many pattern letters: ${c}`);
      return { k: 'text', field: 'ampm', style: 'short' };
    case 'G':
      return { k: 'text', field: 'era', style: n === 4 ? 'full' : 'short' };
    case 'E':
      return { k: 'text', field: 'dow', style: n <= 3 ? 'short' : n === 4 ? 'full' : 'narrow' };
    case 'e':
    case 'c':
      if (n <= 2) return { k: 'num', field: 'localDow', min: n, max: n };
      return { k: 'text', field: 'dow', style: n === 3 ? 'short' : n === 4 ? 'full' : 'narrow' };
    case 'X':
    case 'x': {
      const z = c === 'X' ? 'Z' : undefined;
      const pats = ['+HHmm', '+HHMM', '+HH:MM', '+HHMMss', '+HH:MM:ss'];
      if (n > 5) throw patternError(pattern, `Too many pattern letters: ${c}`);
      const p = pats[n - 1];
      return { k: 'offset', pattern: p, zero: z ?? (n === 1 ? '+00' : p.replace(/[HMms]/g, '0')) };
    }
    case 'Z':
      if (n <= 3) return { k: 'offset', pattern: '+HHMM', zero: '+0000' };
      if (n === 4) return { k: 'gmt', full: true };
      if (n === 5) return { k: 'offset', pattern: '+HH:MM:ss', zero: 'Z' };
      throw patternError(pattern, `Too many pattern letters: ${c}`);
    case 'O':
      return { k: 'gmt', full: n === 4 };
    case 'z':
      return { k: 'zoneName', full: n >= 4 };
    case 'V':
      if (n !== 2) throw patternError(pattern, 'Pattern letter count must be 2: V');
      return { k: 'zoneId' };
    default:
      throw new RangeError(`Unknown pattern letter: ${c}`);
  }
}

export function compileElements(pattern: string): Element[] {
  const stack: Element[][] = [[]];
  let i = 0;
  const push = (e: Element): void => {
    stack[stack.length - 1].push(e);
  };
  while (i < pattern.length) {
    const c = pattern[i];
    if (/[A-Za-z]/.test(c)) {
      let j = i;
      while (j < pattern.length && pattern[j] === c) j++;
      push(letterElement(pattern, c, j - i));
      i = j;
    } else if (c === "'") {
      let j = i + 1;
      let text = '';
      for (;;) {
        if (j >= pattern.length)
          throw new RangeError(`Pattern ends with an incomplete string literal: ${pattern}`);
        if (pattern[j] === "'") {
          if (pattern[j + 1] === "'") {
            text += "'";
            j += 2;
            continue;
          }
          break;
        }
        text += pattern[j++];
      }
      push({ k: 'lit', text: j === i + 1 ? "'" : text });
      i = j + 1;
    } else if (c === '[') {
      stack.push([]);
      i++;
    } else if (c === ']') {
      if (stack.length === 1)
        throw new RangeError(`Pattern invalid as it contains ] without previous [: ${pattern}`);
      const els = stack.pop() as Element[];
      push({ k: 'opt', els, snapshot: new Parsed() });
      i++;
    } else if (c === '{' || c === '}' || c === '#') {
      throw new RangeError(`Pattern includes reserved character: '${c}'`);
    } else {
      push({ k: 'lit', text: c });
      i++;
    }
  }
  while (stack.length > 1) {
    const els = stack.pop() as Element[];
    push({ k: 'opt', els, snapshot: new Parsed() });
  }
  return stack[0];
}

import { formatOffsetId, localToInstant, resolveTimeZone, type TimeZone, UTC } from './time-zone.js';

/**
 * A compiler for java.time.format.DateTimeFormatter patterns (what ksqlDB's TIMESTAMPTOSTRING,
 * PARSE_TIMESTAMP, FORMAT_DATE, … take): `yyyy-MM-dd'T'HH:mm:ss.SSSX`, quoted literals with `''`,
 * optional sections `[.SSS]`, month and day names, AM/PM, zone offsets (X, x, Z, O) and zone
 * names (z, VV). A pattern is compiled once into a formatter and a parser closure.
 */

type NumField =
  | 'year'
  | 'month'
  | 'day'
  | 'dayOfYear'
  | 'hour'
  | 'hour1_24'
  | 'hour0_11'
  | 'hour1_12'
  | 'minute'
  | 'second'
  | 'nano'
  | 'dow'
  // week fields by the US rules of a default-locale JVM: weeks start on Sunday, week 1 holds Jan 1
  | 'localDow'
  | 'weekOfYear'
  | 'weekYear'
  | 'weekOfMonth'
  | 'quarter'
  | 'milliOfDay'
  | 'nanoOfDay';

type Element =
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
  | { readonly k: 'opt'; readonly els: readonly Element[] };

/** Which fields a value carries: a DATE has no time of day, a TIME no date, neither has a zone. */
export type TemporalKind = 'timestamp' | 'date' | 'time';

export interface JavaTimeFormatter {
  readonly pattern: string;
  /** Formats an instant (ms since the epoch) in `zone`; a DATE is its midnight, a TIME is ms of day. */
  format(epochMs: number, zone?: TimeZone, kind?: TemporalKind): string;
  /** Parses to ms since the epoch (zone used when the text has no offset); throws a RangeError. */
  parse(text: string, zone?: TimeZone): number;
}

const MONTHS = [
  'January',
  'February',
  'March',
  'April',
  'May',
  'June',
  'July',
  'August',
  'September',
  'October',
  'November',
  'December',
];
const DAYS = ['Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday', 'Sunday'];

const DATE_FIELDS = new Set<string>([
  'year',
  'month',
  'day',
  'dayOfYear',
  'dow',
  'era',
  'localDow',
  'weekOfYear',
  'weekYear',
  'weekOfMonth',
  'quarter',
]);
const TIME_FIELDS = new Set<string>([
  'hour',
  'hour1_24',
  'hour0_11',
  'hour1_12',
  'minute',
  'second',
  'nano',
  'ampm',
  'milliOfDay',
  'nanoOfDay',
]);

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

function compileElements(pattern: string): Element[] {
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
      push({ k: 'opt', els });
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
    push({ k: 'opt', els });
  }
  return stack[0];
}

// ---------------------------------------------------------------------------------------------
// Formatting
// ---------------------------------------------------------------------------------------------

interface Fields {
  year: number;
  month: number;
  day: number;
  dayOfYear: number;
  dow: number; // 1 = Monday
  hour: number;
  minute: number;
  second: number;
  nano: number;
  offsetMs: number;
  instant: number;
}

function fieldsOf(epochMs: number, zone: TimeZone): Fields {
  const offsetMs = zone.offsetAt(epochMs);
  const d = new Date(epochMs + offsetMs);
  const year = d.getUTCFullYear();
  const jan1 = new Date(0);
  jan1.setUTCFullYear(year, 0, 1);
  const dayStart = d.getTime() - (((d.getTime() % 86_400_000) + 86_400_000) % 86_400_000);
  return {
    year,
    month: d.getUTCMonth() + 1,
    day: d.getUTCDate(),
    dayOfYear: Math.round((dayStart - jan1.getTime()) / 86_400_000) + 1,
    dow: ((d.getUTCDay() + 6) % 7) + 1,
    hour: d.getUTCHours(),
    minute: d.getUTCMinutes(),
    second: d.getUTCSeconds(),
    nano: (((epochMs % 1000) + 1000) % 1000) * 1_000_000,
    offsetMs,
    instant: epochMs,
  };
}

function numValue(f: Fields, field: NumField): number {
  switch (field) {
    case 'year':
      return f.year;
    case 'month':
      return f.month;
    case 'day':
      return f.day;
    case 'dayOfYear':
      return f.dayOfYear;
    case 'dow':
      return f.dow;
    case 'hour':
      return f.hour;
    case 'hour1_24':
      return f.hour === 0 ? 24 : f.hour;
    case 'hour0_11':
      return f.hour % 12;
    case 'hour1_12':
      return f.hour % 12 === 0 ? 12 : f.hour % 12;
    case 'minute':
      return f.minute;
    case 'second':
      return f.second;
    case 'nano':
      return f.nano;
    case 'localDow':
      return (f.dow % 7) + 1;
    case 'weekOfYear':
      return usWeeks(f).week;
    case 'weekYear':
      return usWeeks(f).weekYear;
    case 'weekOfMonth':
      return usWeeks(f).weekOfMonth;
    case 'quarter':
      return Math.floor((f.month - 1) / 3) + 1;
    case 'milliOfDay':
      return ((f.hour * 60 + f.minute) * 60 + f.second) * 1000 + Math.floor(f.nano / 1_000_000);
    case 'nanoOfDay':
      return (((f.hour * 60 + f.minute) * 60 + f.second) * 1000 + Math.floor(f.nano / 1_000_000)) * 1_000_000;
  }
}

function epochDay(year: number, month: number, day: number): number {
  const d = new Date(0);
  d.setUTCFullYear(year, month - 1, day);
  return Math.round(d.getTime() / 86_400_000);
}

/** Sunday-based day of week, 0 = Sunday. */
function sundayDow(epochDays: number): number {
  return (((epochDays + 4) % 7) + 7) % 7;
}

/** Week of year / week-based year / week of month with weeks from Sunday, week 1 holding the 1st. */
function usWeeks(f: Fields): { week: number; weekYear: number; weekOfMonth: number } {
  const today = epochDay(f.year, f.month, f.day);
  const weekStart = today - sundayDow(today);
  const nextJan1 = epochDay(f.year + 1, 1, 1);
  const firstOfMonth = epochDay(f.year, f.month, 1);
  const weekOfMonth = Math.floor((weekStart - (firstOfMonth - sundayDow(firstOfMonth))) / 7) + 1;
  if (nextJan1 - weekStart < 7) return { week: 1, weekYear: f.year + 1, weekOfMonth };
  const jan1 = epochDay(f.year, 1, 1);
  return { week: Math.floor((weekStart - (jan1 - sundayDow(jan1))) / 7) + 1, weekYear: f.year, weekOfMonth };
}

function formatOffset(offsetMs: number, pattern: string, zero: string): string {
  if (offsetMs === 0) return zero;
  const total = Math.round(Math.abs(offsetMs) / 1000);
  const h = String(Math.floor(total / 3600)).padStart(2, '0');
  const m = String(Math.floor((total % 3600) / 60)).padStart(2, '0');
  const s = String(total % 60).padStart(2, '0');
  const sign = offsetMs < 0 ? '-' : '+';
  switch (pattern) {
    case '+HHmm':
      return `${sign}${h}${m === '00' ? '' : m}`;
    case '+HHMM':
      return `${sign}${h}${m}`;
    case '+HH:MM':
      return `${sign}${h}:${m}`;
    case '+HHMMss':
      return `${sign}${h}${m}${s === '00' ? '' : s}`;
    default:
      return `${sign}${h}:${m}${s === '00' ? '' : `:${s}`}`;
  }
}

function gmtText(offsetMs: number, full: boolean): string {
  if (offsetMs === 0) return 'GMT';
  const total = Math.round(Math.abs(offsetMs) / 60_000);
  const h = Math.floor(total / 60);
  const m = total % 60;
  const sign = offsetMs < 0 ? '-' : '+';
  if (full) return `GMT${sign}${String(h).padStart(2, '0')}:${String(m).padStart(2, '0')}`;
  return `GMT${sign}${h}${m ? `:${String(m).padStart(2, '0')}` : ''}`;
}

class UnsupportedFieldError extends RangeError {}

function needs(kind: TemporalKind, e: Element): void {
  const field =
    e.k === 'num' || e.k === 'text' ? e.field : e.k === 'frac' ? 'nano' : e.k === 'year2' ? 'year' : 'zone';
  const ok =
    kind === 'timestamp'
      ? true
      : field === 'zone'
        ? false
        : kind === 'date'
          ? DATE_FIELDS.has(field)
          : TIME_FIELDS.has(field);
  if (!ok) throw new UnsupportedFieldError(`Unsupported field: ${field}`);
}

function formatElements(els: readonly Element[], f: Fields, zone: TimeZone, kind: TemporalKind): string {
  let out = '';
  for (const e of els) {
    if (e.k === 'lit') {
      out += e.text;
      continue;
    }
    if (e.k === 'opt') {
      try {
        out += formatElements(e.els, f, zone, kind);
      } catch (err) {
        if (!(err instanceof UnsupportedFieldError)) throw err;
      }
      continue;
    }
    needs(kind, e);
    switch (e.k) {
      case 'num': {
        const v = numValue(f, e.field);
        const s = String(Math.abs(v)).padStart(e.min, '0');
        // yyyy prints a sign beyond four digits (EXCEEDS_PAD) and for negative years
        out += v < 0 ? `-${s}` : e.field === 'year' && e.min >= 4 && s.length > e.min ? `+${s}` : s;
        break;
      }
      case 'year2':
        out += String(((f.year % 100) + 100) % 100).padStart(2, '0');
        break;
      case 'frac':
        out += String(f.nano).padStart(9, '0').slice(0, Math.min(e.width, 9)).padEnd(e.width, '0');
        break;
      case 'text':
        if (e.field === 'month') {
          const name = MONTHS[f.month - 1];
          out += e.style === 'full' ? name : e.style === 'short' ? name.slice(0, 3) : name[0];
        } else if (e.field === 'dow') {
          const name = DAYS[f.dow - 1];
          out += e.style === 'full' ? name : e.style === 'short' ? name.slice(0, 3) : name[0];
        } else if (e.field === 'ampm') out += f.hour < 12 ? 'AM' : 'PM';
        else if (e.field === 'quarter') {
          const q = Math.floor((f.month - 1) / 3) + 1;
          out += e.style === 'short' ? `Q${q}` : `${['1st', '2nd', '3rd', '4th'][q - 1]} quarter`;
        } else
          out +=
            f.year > 0
              ? e.style === 'full'
                ? 'Anno Domini'
                : 'AD'
              : e.style === 'full'
                ? 'Before Christ'
                : 'BC';
        break;
      case 'offset':
        out += formatOffset(f.offsetMs, e.pattern, e.zero);
        break;
      case 'gmt':
        out += gmtText(f.offsetMs, e.full);
        break;
      case 'zoneName':
        out += e.full ? zone.longName(f.instant) : zone.shortName(f.instant);
        break;
      case 'zoneId':
        out += zone.id;
        break;
    }
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// Parsing
// ---------------------------------------------------------------------------------------------

interface Parsed {
  year?: number;
  year2?: number;
  month?: number;
  day?: number;
  dayOfYear?: number;
  dow?: number;
  hour?: number;
  hour12?: number;
  ampm?: number; // 0 AM, 1 PM
  minute?: number;
  second?: number;
  nano?: number;
  offsetMs?: number;
  zone?: TimeZone;
  // read but only used where they determine the date (week-based year stands in for a missing year)
  localDow?: number;
  weekOfYear?: number;
  weekYear?: number;
  weekOfMonth?: number;
  quarter?: number;
  milliOfDay?: number;
  nanoOfDay?: number;
}

class ParseFailure extends Error {
  constructor(readonly index: number) {
    super('parse failure');
  }
}

/** The digits a fixed-width numeric element right after `els[i]` reserves (adjacent value parsing). */
function reservedWidth(els: readonly Element[], i: number): number {
  let w = 0;
  for (let j = i + 1; j < els.length; j++) {
    const e = els[j];
    if (e.k === 'num' && e.min === e.max) w += e.min;
    else if (e.k === 'year2') w += 2;
    else if (e.k === 'frac') w += e.width;
    else break;
  }
  return w;
}

function matchText(text: string, pos: number, options: readonly string[]): [number, number] {
  let best = -1;
  let len = 0;
  for (let i = 0; i < options.length; i++) {
    const o = options[i];
    if (o.length > len && text.substr(pos, o.length).toLowerCase() === o.toLowerCase()) {
      best = i;
      len = o.length;
    }
  }
  if (best < 0) throw new ParseFailure(pos);
  return [best, len];
}

const ZONE_ABBREVIATIONS: Readonly<Record<string, string>> = {
  UTC: 'UTC',
  GMT: 'GMT',
  Z: 'Z',
  PST: 'America/Los_Angeles',
  PDT: 'America/Los_Angeles',
  MST: 'America/Denver',
  MDT: 'America/Denver',
  CST: 'America/Chicago',
  CDT: 'America/Chicago',
  EST: 'America/New_York',
  EDT: 'America/New_York',
  CET: 'Europe/Paris',
  CEST: 'Europe/Paris',
  BST: 'Europe/London',
  IST: 'Asia/Kolkata',
  JST: 'Asia/Tokyo',
  AEST: 'Australia/Sydney',
  AEDT: 'Australia/Sydney',
  EET: 'Europe/Athens',
  EEST: 'Europe/Athens',
  WET: 'Europe/Lisbon',
  WEST: 'Europe/Lisbon',
  HST: 'Pacific/Honolulu',
  AKST: 'America/Anchorage',
  AKDT: 'America/Anchorage',
};

function parseOffset(text: string, pos: number, e: Extract<Element, { k: 'offset' }>): [number, number] {
  if (e.zero === 'Z' && (text[pos] === 'Z' || text[pos] === 'z')) return [0, 1];
  const m = /^([+-])(\d{2})(:?)(\d{2})?(?::?(\d{2}))?/.exec(text.slice(pos));
  if (!m) {
    if (text.startsWith(e.zero, pos)) return [0, e.zero.length];
    throw new ParseFailure(pos);
  }
  const sign = m[1] === '-' ? -1 : 1;
  const ms = sign * ((Number(m[2]) * 60 + Number(m[4] ?? 0)) * 60 + Number(m[5] ?? 0)) * 1000;
  return [ms, m[0].length];
}

function parseElements(els: readonly Element[], text: string, start: number, p: Parsed): number {
  let pos = start;
  for (let i = 0; i < els.length; i++) {
    const e = els[i];
    switch (e.k) {
      case 'lit':
        if (text.startsWith(e.text, pos)) pos += e.text.length;
        else if (e.text === ' ' || text.substr(pos, e.text.length).toLowerCase() !== e.text.toLowerCase())
          throw new ParseFailure(pos);
        else pos += e.text.length;
        break;
      case 'opt': {
        const snapshot = { ...p };
        try {
          pos = parseElements(e.els, text, pos, p);
        } catch (err) {
          if (!(err instanceof ParseFailure)) throw err;
          for (const k of Object.keys(p) as (keyof Parsed)[]) delete p[k];
          Object.assign(p, snapshot);
        }
        break;
      }
      case 'num':
      case 'year2':
      case 'frac': {
        let sign = 1;
        if (e.k === 'num' && e.field === 'year' && (text[pos] === '-' || text[pos] === '+')) {
          sign = text[pos] === '-' ? -1 : 1;
          pos++;
        }
        const min = e.k === 'num' ? e.min : e.k === 'year2' ? 2 : e.width;
        const max = e.k === 'num' ? e.max : min;
        let end = pos;
        while (end < text.length && end - pos < max && text[end] >= '0' && text[end] <= '9') end++;
        const reserve = min !== max ? reservedWidth(els, i) : 0;
        if (reserve > 0) {
          let avail = pos;
          while (avail < text.length && text[avail] >= '0' && text[avail] <= '9') avail++;
          end = Math.min(Math.max(pos + min, avail - reserve), pos + max);
        }
        const digits = text.slice(pos, end);
        if (digits.length < min || !/^\d+$/.test(digits)) throw new ParseFailure(pos);
        const v = Number(digits) * sign;
        pos = end;
        if (e.k === 'year2') p.year2 = v;
        else if (e.k === 'frac') p.nano = Number(digits.padEnd(9, '0').slice(0, 9));
        else if (e.field === 'hour1_12' || e.field === 'hour0_11') p.hour12 = v % 12;
        else if (e.field === 'hour1_24') p.hour = v === 24 ? 0 : v;
        else p[e.field] = v;
        break;
      }
      case 'text': {
        if (e.field === 'month') {
          const opts =
            e.style === 'full' ? MONTHS : MONTHS.map((m) => m.slice(0, e.style === 'short' ? 3 : 1));
          const [idx, len] = matchText(text, pos, opts);
          p.month = idx + 1;
          pos += len;
        } else if (e.field === 'dow') {
          const opts = e.style === 'full' ? DAYS : DAYS.map((d) => d.slice(0, e.style === 'short' ? 3 : 1));
          const [idx, len] = matchText(text, pos, opts);
          p.dow = idx + 1;
          pos += len;
        } else if (e.field === 'ampm') {
          const [idx, len] = matchText(text, pos, ['AM', 'PM']);
          p.ampm = idx;
          pos += len;
        } else if (e.field === 'quarter') {
          const opts =
            e.style === 'short'
              ? ['Q1', 'Q2', 'Q3', 'Q4']
              : ['1st quarter', '2nd quarter', '3rd quarter', '4th quarter'];
          const [idx, len] = matchText(text, pos, opts);
          p.quarter = idx + 1;
          pos += len;
        } else {
          const [, len] = matchText(
            text,
            pos,
            e.style === 'full' ? ['Before Christ', 'Anno Domini'] : ['BC', 'AD'],
          );
          pos += len;
        }
        break;
      }
      case 'offset': {
        const [ms, len] = parseOffset(text, pos, e);
        p.offsetMs = ms;
        pos += len;
        break;
      }
      case 'gmt': {
        if (!text.startsWith('GMT', pos)) throw new ParseFailure(pos);
        pos += 3;
        const m = /^([+-])(\d{1,2})(?::(\d{2}))?/.exec(text.slice(pos));
        if (m) {
          p.offsetMs = (m[1] === '-' ? -1 : 1) * (Number(m[2]) * 60 + Number(m[3] ?? 0)) * 60_000;
          pos += m[0].length;
        } else p.offsetMs = 0;
        break;
      }
      case 'zoneName':
      case 'zoneId': {
        const m = /^[A-Za-z][A-Za-z0-9_/+-]*/.exec(text.slice(pos));
        if (!m) throw new ParseFailure(pos);
        const name = m[0];
        try {
          p.zone = resolveTimeZone(ZONE_ABBREVIATIONS[name] ?? name);
        } catch {
          throw new ParseFailure(pos);
        }
        pos += name.length;
        break;
      }
    }
  }
  return pos;
}

function resolveParsed(p: Parsed, text: string, zone: TimeZone): number {
  const year = p.year ?? (p.year2 !== undefined ? 2000 + p.year2 : (p.weekYear ?? 1970));
  let hour = p.hour ?? 0;
  if (p.hour12 !== undefined) hour = p.hour12 + (p.ampm === 1 ? 12 : 0);
  else if (p.hour === undefined && p.ampm !== undefined) hour = 0;
  const minute = p.minute ?? 0;
  const second = p.second ?? 0;
  const millis = Math.floor((p.nano ?? 0) / 1_000_000);
  const invalid = (what: string): RangeError =>
    new RangeError(`Text '${text}' could not be parsed: Invalid value for ${what}`);
  if (hour > 23) throw invalid(`HourOfDay (valid values 0 - 23): ${hour}`);
  if (minute > 59) throw invalid(`MinuteOfHour (valid values 0 - 59): ${minute}`);
  if (second > 59) throw invalid(`SecondOfMinute (valid values 0 - 59): ${second}`);
  const date = new Date(0);
  if (p.dayOfYear !== undefined && p.month === undefined) {
    date.setUTCFullYear(year, 0, p.dayOfYear);
  } else {
    const month = p.month ?? 1;
    const day = p.day ?? 1;
    if (month < 1 || month > 12) throw invalid(`MonthOfYear (valid values 1 - 12): ${month}`);
    if (day < 1 || day > 31) throw invalid(`DayOfMonth (valid values 1 - 28/31): ${day}`);
    // Java's SMART resolver moves day 29–31 of a shorter month to its last day.
    const probe = new Date(0);
    probe.setUTCFullYear(year, month, 0);
    date.setUTCFullYear(year, month - 1, Math.min(day, probe.getUTCDate()));
  }
  date.setUTCHours(hour, minute, second, millis);
  const local = date.getTime();
  if (p.offsetMs !== undefined) return local - p.offsetMs;
  return localToInstant(local, p.zone ?? zone);
}

const cache = new Map<string, JavaTimeFormatter>();

/** Compiles (and caches) a DateTimeFormatter pattern; throws a RangeError for an invalid pattern. */
export function compileJavaTimePattern(pattern: string): JavaTimeFormatter {
  const hit = cache.get(pattern);
  if (hit) return hit;
  const els = compileElements(pattern);
  const formatter: JavaTimeFormatter = {
    pattern,
    format(epochMs: number, zone: TimeZone = UTC, kind: TemporalKind = 'timestamp'): string {
      const z = kind === 'timestamp' ? zone : UTC;
      return formatElements(els, fieldsOf(epochMs, z), z, kind);
    },
    parse(text: string, zone: TimeZone = UTC): number {
      const p: Parsed = {};
      let end: number;
      try {
        end = parseElements(els, text, 0, p);
      } catch (err) {
        if (err instanceof ParseFailure)
          throw new RangeError(`Text '${text}' could not be parsed at index ${err.index}`);
        throw err;
      }
      if (end !== text.length)
        throw new RangeError(`Text '${text}' could not be parsed, unparsed text found at index ${end}`);
      return resolveParsed(p, text, zone);
    },
  };
  if (cache.size > 1000) cache.clear();
  cache.set(pattern, formatter);
  return formatter;
}

export { formatOffsetId };

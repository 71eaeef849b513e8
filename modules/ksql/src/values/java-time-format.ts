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
  /** `snapshot`: where parsing saves the fields before trying the section (restored when it fails). */
  | { readonly k: 'opt'; readonly els: readonly Element[]; readonly snapshot: Parsed };

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

/*
 * The parser runs once per record when a TIMESTAMP_FORMAT extracts event time, so it never throws
 * to signal a mismatch (an exception captures a stack: an optional section like `[.SSS]` that is
 * absent from most inputs made parsing ~20× slower). Element parsers return the new position, or
 * FAIL(index) — a negative number — where the text did not match; only the public parse() throws.
 */

/** The fields parsed so far: a class so every instance has one shape (no per-field dictionary). */
class Parsed {
  year: number | undefined = undefined;
  year2: number | undefined = undefined;
  month: number | undefined = undefined;
  day: number | undefined = undefined;
  dayOfYear: number | undefined = undefined;
  dow: number | undefined = undefined;
  hour: number | undefined = undefined;
  hour12: number | undefined = undefined;
  ampm: number | undefined = undefined; // 0 AM, 1 PM
  minute: number | undefined = undefined;
  second: number | undefined = undefined;
  nano: number | undefined = undefined;
  offsetMs: number | undefined = undefined;
  zone: TimeZone | undefined = undefined;
  // read but only used where they determine the date (week-based year stands in for a missing year)
  localDow: number | undefined = undefined;
  weekOfYear: number | undefined = undefined;
  weekYear: number | undefined = undefined;
  weekOfMonth: number | undefined = undefined;
  quarter: number | undefined = undefined;
  milliOfDay: number | undefined = undefined;
  nanoOfDay: number | undefined = undefined;

  copyFrom(o: Parsed): void {
    this.year = o.year;
    this.year2 = o.year2;
    this.month = o.month;
    this.day = o.day;
    this.dayOfYear = o.dayOfYear;
    this.dow = o.dow;
    this.hour = o.hour;
    this.hour12 = o.hour12;
    this.ampm = o.ampm;
    this.minute = o.minute;
    this.second = o.second;
    this.nano = o.nano;
    this.offsetMs = o.offsetMs;
    this.zone = o.zone;
    this.localDow = o.localDow;
    this.weekOfYear = o.weekOfYear;
    this.weekYear = o.weekYear;
    this.weekOfMonth = o.weekOfMonth;
    this.quarter = o.quarter;
    this.milliOfDay = o.milliOfDay;
    this.nanoOfDay = o.nanoOfDay;
  }
}

/** A failure at `index`, as a negative position (-1 for index 0). */
const FAIL = (index: number): number => -1 - index;
const failedAt = (result: number): number => -1 - result;

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

const SHORT_MONTHS = MONTHS.map((m) => m.slice(0, 3));
const NARROW_MONTHS = MONTHS.map((m) => m.slice(0, 1));
const SHORT_DAYS = DAYS.map((d) => d.slice(0, 3));
const NARROW_DAYS = DAYS.map((d) => d.slice(0, 1));
const AM_PM = ['AM', 'PM'];
const SHORT_QUARTERS = ['Q1', 'Q2', 'Q3', 'Q4'];
const QUARTERS = ['1st quarter', '2nd quarter', '3rd quarter', '4th quarter'];
const ERAS_FULL = ['Before Christ', 'Anno Domini'];
const ERAS_SHORT = ['BC', 'AD'];

/** The length matchText matched (a module variable, so a match allocates no pair). */
let matchedLength = 0;

/** The index of the longest option at `pos` (case-insensitive), or -1; sets matchedLength. */
function matchText(text: string, pos: number, options: readonly string[]): number {
  let best = -1;
  let len = 0;
  for (let i = 0; i < options.length; i++) {
    const o = options[i];
    if (o.length > len && text.substr(pos, o.length).toLowerCase() === o.toLowerCase()) {
      best = i;
      len = o.length;
    }
  }
  matchedLength = len;
  return best;
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

const isDigit = (c: number): boolean => c >= 48 && c <= 57;
const twoDigits = (text: string, at: number): number =>
  (text.charCodeAt(at) - 48) * 10 + (text.charCodeAt(at + 1) - 48);
const hasTwoDigits = (text: string, at: number): boolean =>
  isDigit(text.charCodeAt(at)) && isDigit(text.charCodeAt(at + 1));

/**
 * An offset `±HH[:][MM][[:]SS]` (any of the X/x/Z shapes) or the element's zero text; sets
 * p.offsetMs. Scans characters rather than matching a regex on a slice.
 */
function parseOffset(text: string, pos: number, e: Extract<Element, { k: 'offset' }>, p: Parsed): number {
  // ksqlDB parses case-insensitively: a lower-case 'z' is UTC too
  if (e.zero === 'Z' && (text.charCodeAt(pos) === 90 /* Z */ || text.charCodeAt(pos) === 122) /* z */) {
    p.offsetMs = 0;
    return pos + 1;
  }
  const s = text.charCodeAt(pos);
  if ((s !== 43 /* + */ && s !== 45) /* - */ || !hasTwoDigits(text, pos + 1)) {
    if (text.startsWith(e.zero, pos)) {
      p.offsetMs = 0;
      return pos + e.zero.length;
    }
    return FAIL(pos);
  }
  const hours = twoDigits(text, pos + 1);
  let end = pos + 3;
  if (text.charCodeAt(end) === 58 /* : */) end++;
  let minutes = 0;
  let seconds = 0;
  if (hasTwoDigits(text, end)) {
    minutes = twoDigits(text, end);
    end += 2;
  }
  const secondsAt = text.charCodeAt(end) === 58 ? end + 1 : end;
  if (hasTwoDigits(text, secondsAt)) {
    seconds = twoDigits(text, secondsAt);
    end = secondsAt + 2;
  }
  p.offsetMs = (s === 45 ? -1 : 1) * ((hours * 60 + minutes) * 60 + seconds) * 1000;
  return end;
}

/** A numeric element (num, year2, frac) at `pos`; sets its field in `p`. */
function parseNumber(els: readonly Element[], i: number, text: string, start: number, p: Parsed): number {
  const e = els[i] as Extract<Element, { k: 'num' | 'year2' | 'frac' }>;
  let pos = start;
  let sign = 1;
  if (e.k === 'num' && e.field === 'year') {
    const c = text.charCodeAt(pos);
    if (c === 45 || c === 43) {
      sign = c === 45 ? -1 : 1;
      pos++;
    }
  }
  const min = e.k === 'num' ? e.min : e.k === 'year2' ? 2 : e.width;
  const max = e.k === 'num' ? e.max : min;
  let run = 0; // the digits available at pos
  while (isDigit(text.charCodeAt(pos + run))) run++;
  let end = pos + Math.min(run, max);
  const reserve = min !== max ? reservedWidth(els, i) : 0;
  if (reserve > 0) end = Math.min(Math.max(pos + min, pos + run - reserve), pos + max);
  const width = end - pos;
  if (width < min || width > run) return FAIL(pos);
  let v: number;
  if (width <= 15) {
    v = 0;
    for (let j = pos; j < end; j++) v = v * 10 + (text.charCodeAt(j) - 48);
  } else v = Number(text.slice(pos, end)); // beyond 2^53: let Number round exactly as before
  if (e.k === 'year2') p.year2 = v * sign;
  else if (e.k === 'frac') {
    // the first nine digits, as nanoseconds
    if (width > 9) {
      v = 0;
      for (let j = pos; j < pos + 9; j++) v = v * 10 + (text.charCodeAt(j) - 48);
    } else for (let j = width; j < 9; j++) v *= 10;
    p.nano = v;
  } else {
    FIELD_SETTERS[e.field](p, v * sign);
  }
  return end;
}

/** A text element (month or day name, AM/PM, era) at `pos`. */
function parseName(e: Extract<Element, { k: 'text' }>, text: string, pos: number, p: Parsed): number {
  let options: readonly string[];
  if (e.field === 'month')
    options = e.style === 'full' ? MONTHS : e.style === 'short' ? SHORT_MONTHS : NARROW_MONTHS;
  else if (e.field === 'dow')
    options = e.style === 'full' ? DAYS : e.style === 'short' ? SHORT_DAYS : NARROW_DAYS;
  else if (e.field === 'ampm') options = AM_PM;
  else if (e.field === 'quarter') options = e.style === 'short' ? SHORT_QUARTERS : QUARTERS;
  else options = e.style === 'full' ? ERAS_FULL : ERAS_SHORT;
  const idx = matchText(text, pos, options);
  if (idx < 0) return FAIL(pos);
  if (e.field === 'month') p.month = idx + 1;
  else if (e.field === 'dow') p.dow = idx + 1;
  else if (e.field === 'ampm') p.ampm = idx;
  else if (e.field === 'quarter') p.quarter = idx + 1;
  return pos + matchedLength;
}

function parseElements(els: readonly Element[], text: string, start: number, p: Parsed): number {
  let pos = start;
  for (let i = 0; i < els.length; i++) {
    const e = els[i];
    switch (e.k) {
      case 'lit':
        if (text.startsWith(e.text, pos)) pos += e.text.length;
        else if (e.text === ' ' || text.substr(pos, e.text.length).toLowerCase() !== e.text.toLowerCase())
          return FAIL(pos);
        else pos += e.text.length;
        break;
      case 'opt': {
        // one snapshot per section suffices: parsing is synchronous and a section cannot recur
        e.snapshot.copyFrom(p);
        const end = parseElements(e.els, text, pos, p);
        if (end < 0) p.copyFrom(e.snapshot);
        else pos = end;
        break;
      }
      case 'num':
      case 'year2':
      case 'frac':
        pos = parseNumber(els, i, text, pos, p);
        if (pos < 0) return pos;
        break;
      case 'text':
        pos = parseName(e, text, pos, p);
        if (pos < 0) return pos;
        break;
      case 'offset':
        pos = parseOffset(text, pos, e, p);
        if (pos < 0) return pos;
        break;
      case 'gmt': {
        if (!text.startsWith('GMT', pos)) return FAIL(pos);
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
        if (!m) return FAIL(pos);
        const name = m[0];
        try {
          p.zone = resolveTimeZone(ZONE_ABBREVIATIONS[name] ?? name);
        } catch {
          return FAIL(pos);
        }
        pos += name.length;
        break;
      }
    }
  }
  return pos;
}

function invalidValue(text: string, what: string): RangeError {
  return new RangeError(`Text '${text}' could not be parsed: Invalid value for ${what}`);
}

const DAYS_IN_MONTH = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

/** Days in `month` (1–12) of the proleptic Gregorian `year`. */
function daysInMonth(year: number, month: number): number {
  if (month === 2 && year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0)) return 29;
  return DAYS_IN_MONTH[month - 1];
}

/**
 * Days from 1970-01-01 to a proleptic Gregorian date (H. Hinnant's days_from_civil): the same
 * day numbers as Date.UTC, in integer arithmetic, without a call into the Date builtins.
 */
function daysFromCivil(year: number, month: number, day: number): number {
  const y = month <= 2 ? year - 1 : year;
  const era = Math.floor(y / 400);
  const yearOfEra = y - era * 400;
  const dayOfYear = Math.floor((153 * (month > 2 ? month - 3 : month + 9) + 2) / 5) + day - 1;
  const dayOfEra = yearOfEra * 365 + Math.floor(yearOfEra / 4) - Math.floor(yearOfEra / 100) + dayOfYear;
  return era * 146_097 + dayOfEra - 719_468;
}

function resolveParsed(p: Parsed, text: string, zone: TimeZone): number {
  const year = p.year ?? (p.year2 !== undefined ? 2000 + p.year2 : (p.weekYear ?? 1970));
  let hour = p.hour ?? 0;
  if (p.hour12 !== undefined) hour = p.hour12 + (p.ampm === 1 ? 12 : 0);
  else if (p.hour === undefined && p.ampm !== undefined) hour = 0;
  const minute = p.minute ?? 0;
  const second = p.second ?? 0;
  const millis = Math.floor((p.nano ?? 0) / 1_000_000);
  if (hour > 23) throw invalidValue(text, `HourOfDay (valid values 0 - 23): ${hour}`);
  if (minute > 59) throw invalidValue(text, `MinuteOfHour (valid values 0 - 59): ${minute}`);
  if (second > 59) throw invalidValue(text, `SecondOfMinute (valid values 0 - 59): ${second}`);
  let local: number;
  if (p.dayOfYear !== undefined && p.month === undefined) {
    const date = new Date(0);
    date.setUTCFullYear(year, 0, p.dayOfYear);
    date.setUTCHours(hour, minute, second, millis);
    local = date.getTime();
  } else {
    const month = p.month ?? 1;
    const day = p.day ?? 1;
    if (month < 1 || month > 12) throw invalidValue(text, `MonthOfYear (valid values 1 - 12): ${month}`);
    if (day < 1 || day > 31) throw invalidValue(text, `DayOfMonth (valid values 1 - 28/31): ${day}`);
    // Java's SMART resolver moves day 29–31 of a shorter month to its last day.
    const dayOfMonth = Math.min(day, daysInMonth(year, month));
    if (year >= 100 && year <= 9999)
      local =
        daysFromCivil(year, month, dayOfMonth) * 86_400_000 +
        ((hour * 60 + minute) * 60 + second) * 1000 +
        millis;
    else if (year < 0 || year > 99)
      local = Date.UTC(year, month - 1, dayOfMonth, hour, minute, second, millis);
    else {
      // Date.UTC reads years 0–99 as 1900–1999
      const date = new Date(0);
      date.setUTCFullYear(year, month - 1, dayOfMonth);
      date.setUTCHours(hour, minute, second, millis);
      local = date.getTime();
    }
  }
  if (p.offsetMs !== undefined) return local - p.offsetMs;
  return localToInstant(local, p.zone ?? zone);
}

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

/** A setter per field (a store to a property named by a variable is a slow, generic one). */
const FIELD_SETTERS: Readonly<Record<NumField, (p: Parsed, v: number) => void>> = {
  year: (p, v) => {
    p.year = v;
  },
  month: (p, v) => {
    p.month = v;
  },
  day: (p, v) => {
    p.day = v;
  },
  dayOfYear: (p, v) => {
    p.dayOfYear = v;
  },
  hour: (p, v) => {
    p.hour = v;
  },
  hour1_24: (p, v) => {
    p.hour = v === 24 ? 0 : v;
  },
  hour0_11: (p, v) => {
    p.hour12 = v % 12;
  },
  hour1_12: (p, v) => {
    p.hour12 = v % 12;
  },
  minute: (p, v) => {
    p.minute = v;
  },
  second: (p, v) => {
    p.second = v;
  },
  nano: (p, v) => {
    p.nano = v;
  },
  dow: (p, v) => {
    p.dow = v;
  },
  localDow: (p, v) => {
    p.localDow = v;
  },
  weekOfYear: (p, v) => {
    p.weekOfYear = v;
  },
  weekYear: (p, v) => {
    p.weekYear = v;
  },
  weekOfMonth: (p, v) => {
    p.weekOfMonth = v;
  },
  quarter: (p, v) => {
    p.quarter = v;
  },
  milliOfDay: (p, v) => {
    p.milliOfDay = v;
  },
  nanoOfDay: (p, v) => {
    p.nanoOfDay = v;
  },
};

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

function fixedPrefix(els: readonly Element[]): FixedPrefix | undefined {
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

const EMPTY = new Parsed();
const cache = new Map<string, JavaTimeFormatter>();

/** Compiles (and caches) a DateTimeFormatter pattern; throws a RangeError for an invalid pattern. */
export function compileJavaTimePattern(pattern: string): JavaTimeFormatter {
  const hit = cache.get(pattern);
  if (hit) return hit;
  const els = compileElements(pattern);
  const scratch = new Parsed();
  const prefix = fixedPrefix(els);
  const formatter: JavaTimeFormatter = {
    pattern,
    format(epochMs: number, zone: TimeZone = UTC, kind: TemporalKind = 'timestamp'): string {
      const z = kind === 'timestamp' ? zone : UTC;
      return formatElements(els, fieldsOf(epochMs, z), z, kind);
    },
    parse(text: string, zone: TimeZone = UTC): number {
      // one scratch per formatter: parsing is synchronous and does not re-enter the same formatter
      const p = scratch;
      p.copyFrom(EMPTY);
      let end = prefix === undefined ? -1 : prefix.parse(text, p);
      if (end >= 0) {
        if (prefix!.tail.length > 0) end = parseElements(prefix!.tail, text, end, p);
      } else {
        p.copyFrom(EMPTY); // the prefix may have set fields before it gave up
        end = parseElements(els, text, 0, p);
      }
      if (end < 0) throw new RangeError(`Text '${text}' could not be parsed at index ${failedAt(end)}`);
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

import { localToInstant, resolveTimeZone, type TimeZone } from '../time-zone.js';
import { DAYS, FIELD_SETTERS, MONTHS, type Parsed } from './fields.js';
import type { Element } from './pattern.js';

/*
 * The parser runs once per record when a TIMESTAMP_FORMAT extracts event time, so it never throws
 * to signal a mismatch (an exception captures a stack: an optional section like `[.SSS]` that is
 * absent from most inputs made parsing ~20× slower). Element parsers return the new position, or
 * FAIL(index) — a negative number — where the text did not match; only the public parse() throws.
 */

/** A failure at `index`, as a negative position (-1 for index 0). */
const FAIL = (index: number): number => -1 - index;
export const failedAt = (result: number): number => -1 - result;

/** The digits a fixed-width numeric element right after `els[i]` reserves (adjacent value parsing). */
export function reservedWidth(els: readonly Element[], i: number): number {
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

export const isDigit = (c: number): boolean => c >= 48 && c <= 57;
const twoDigits = (text: string, at: number): number =>
  (text.charCodeAt(at) - 48) * 10 + (text.charCodeAt(at + 1) - 48);
const hasTwoDigits = (text: string, at: number): boolean =>
  isDigit(text.charCodeAt(at)) && isDigit(text.charCodeAt(at + 1));

/**
 * An offset `±HH[:][MM][[:]SS]` (any of the X/x/Z shapes) or the element's zero text; sets
 * p.offsetMs. Scans characters rather than matching a regex on a slice.
 */
export function parseOffset(
  text: string,
  pos: number,
  e: Extract<Element, { k: 'offset' }>,
  p: Parsed,
): number {
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

export function parseElements(els: readonly Element[], text: string, start: number, p: Parsed): number {
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

export function resolveParsed(p: Parsed, text: string, zone: TimeZone): number {
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

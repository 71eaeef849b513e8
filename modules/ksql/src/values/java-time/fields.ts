import type { TimeZone } from '../time-zone.js';

/** The numeric fields a pattern letter reads or writes. */
export type NumField =
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

/** Which fields a value carries: a DATE has no time of day, a TIME no date, neither has a zone. */
export type TemporalKind = 'timestamp' | 'date' | 'time';

/** Month and day names (English, as a default-locale JVM prints them). */
export const MONTHS = [
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
export const DAYS = ['Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday', 'Sunday'];

/** The fields parsed so far: a class so every instance has one shape (no per-field dictionary). */
export class Parsed {
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

/** A setter per field (a store to a property named by a variable is a slow, generic one). */
export const FIELD_SETTERS: Readonly<Record<NumField, (p: Parsed, v: number) => void>> = {
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

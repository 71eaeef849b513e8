import type { TimeZone } from '../time-zone.js';
import { DAYS, MONTHS, type NumField, type TemporalKind } from './fields.js';
import type { Element } from './pattern.js';

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

export function fieldsOf(epochMs: number, zone: TimeZone): Fields {
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

export function formatElements(
  els: readonly Element[],
  f: Fields,
  zone: TimeZone,
  kind: TemporalKind,
): string {
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

/**
 * DATE, TIME and TIMESTAMP values and their default text forms (ksqlDB's SqlTimeTypes):
 * DATE = days since the epoch, TIME = ms since midnight, TIMESTAMP = ms since the epoch (UTC).
 */

export const MS_PER_DAY = 86_400_000;

function pad(n: number, width: number): string {
  return String(n).padStart(width, '0');
}

/** The proleptic Gregorian year with ISO sign rules (`+10000`, `-0001`). */
function formatYear(y: number): string {
  if (y > 9999) return `+${y}`;
  if (y < 0) return `-${pad(-y, 4)}`;
  return pad(y, 4);
}

/** `2021-03-04` (LocalDate.toString). */
export function formatDate(days: number): string {
  const d = new Date(days * MS_PER_DAY);
  return `${formatYear(d.getUTCFullYear())}-${pad(d.getUTCMonth() + 1, 2)}-${pad(d.getUTCDate(), 2)}`;
}

/** `10:20:30` (ksqlDB formats TIME at second precision: LocalTime.ofSecondOfDay(...).toString()). */
export function formatTime(ms: number): string {
  const secs = Math.floor(ms / 1000);
  const h = Math.floor(secs / 3600);
  const m = Math.floor((secs % 3600) / 60);
  const s = secs % 60;
  return s === 0 ? `${pad(h, 2)}:${pad(m, 2)}` : `${pad(h, 2)}:${pad(m, 2)}:${pad(s, 2)}`;
}

/** `2021-03-04T10:20:30.123` in UTC (ksqlDB's `yyyy-MM-dd'T'HH:mm:ss.SSS`). */
export function formatTimestamp(ms: number): string {
  const d = new Date(ms);
  return (
    `${formatYear(d.getUTCFullYear())}-${pad(d.getUTCMonth() + 1, 2)}-${pad(d.getUTCDate(), 2)}` +
    `T${pad(d.getUTCHours(), 2)}:${pad(d.getUTCMinutes(), 2)}:${pad(d.getUTCSeconds(), 2)}.${pad(d.getUTCMilliseconds(), 3)}`
  );
}

const DATE_RE = /^(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?$/;

function daysFromCivil(y: number, m: number, d: number): number {
  return Math.floor(Date.UTC(y, m - 1, d) / MS_PER_DAY);
}

function validDate(y: number, m: number, d: number): boolean {
  if (m < 1 || m > 12 || d < 1) return false;
  return d <= new Date(Date.UTC(y, m, 0)).getUTCDate();
}

/** `2021`, `2021-03`, `2021-03-04` → days (partials complete to the first day), as CAST(str AS DATE). */
export function parseDate(text: string): number {
  const m = DATE_RE.exec(text.trim());
  if (!m) throw new RangeError(`Failed to parse date '${text}'`);
  const y = Number(m[1]);
  const mo = m[2] ? Number(m[2]) : 1;
  const d = m[3] ? Number(m[3]) : 1;
  if (!validDate(y, mo, d)) throw new RangeError(`Failed to parse date '${text}'`);
  return daysFromCivil(y, mo, d);
}

const TIME_RE = /^(\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?$/;

/** `10:20`, `10:20:30`, `10:20:30.123` → ms since midnight, as CAST(str AS TIME) (LocalTime.parse). */
export function parseTime(text: string): number {
  const m = TIME_RE.exec(text.trim());
  if (!m) throw new RangeError(`Failed to parse time '${text}'`);
  const h = Number(m[1]);
  const mi = Number(m[2]);
  const s = m[3] ? Number(m[3]) : 0;
  if (h > 23 || mi > 59 || s > 59) throw new RangeError(`Failed to parse time '${text}'`);
  const ms = m[4] ? Number(m[4].padEnd(3, '0').slice(0, 3)) : 0;
  return ((h * 60 + mi) * 60 + s) * 1000 + ms;
}

const TIMESTAMP_RE =
  /^(\d{4})(?:-(\d{2})(?:-(\d{2})(?:T(\d{2})(?::(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?)?)?)?)?(Z|[+-]\d{2}(?::?\d{2})?)?$/;

/**
 * A timestamp from ISO text with partials, as ksqlDB's PartialStringToTimestampParser:
 * `2021`, `2021-03-04`, `2021-03-04T10`, `2021-03-04T10:20:30.123`, optionally with `Z` or
 * `+hh:mm`; without a zone the text is UTC.
 */
export function parseTimestamp(text: string): number {
  const m = TIMESTAMP_RE.exec(text.trim());
  if (!m) throw new RangeError(`Failed to parse timestamp '${text}'`);
  const y = Number(m[1]);
  const mo = m[2] ? Number(m[2]) : 1;
  const d = m[3] ? Number(m[3]) : 1;
  const h = m[4] ? Number(m[4]) : 0;
  const mi = m[5] ? Number(m[5]) : 0;
  const s = m[6] ? Number(m[6]) : 0;
  const ms = m[7] ? Number(m[7].padEnd(3, '0').slice(0, 3)) : 0;
  // Hour 24 is the end of the day (the next day's midnight), as Java's smart resolver reads it.
  const endOfDay = h === 24 && mi === 0 && s === 0 && ms === 0;
  if (!validDate(y, mo, d) || (h > 23 && !endOfDay) || mi > 59 || s > 59)
    throw new RangeError(`Failed to parse timestamp '${text}'`);
  let offsetMin = 0;
  const z = m[8];
  if (z && z !== 'Z') {
    const digits = z.slice(1).replace(':', '');
    offsetMin = (Number(digits.slice(0, 2)) * 60 + Number(digits.slice(2) || 0)) * (z[0] === '-' ? -1 : 1);
  }
  const utc = new Date(0);
  utc.setUTCFullYear(y, mo - 1, d);
  utc.setUTCHours(h, mi, s, ms);
  return utc.getTime() - offsetMin * 60_000;
}

/** The UTC day of a timestamp (CAST(ts AS DATE)). */
export function timestampToDate(ms: number): number {
  return Math.floor(ms / MS_PER_DAY);
}

/** The UTC time of day of a timestamp (CAST(ts AS TIME)). */
export function timestampToTime(ms: number): number {
  return ((ms % MS_PER_DAY) + MS_PER_DAY) % MS_PER_DAY;
}

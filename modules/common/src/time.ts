// ISO-8601 with an explicit zone (Z or ±hh:mm); a bare local date-time is ambiguous and refused.
const ISO_INSTANT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:\d{2})$/;

const DAYS_IN_MONTH = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

function digits(text: string, from: number, count: number): number {
  let value = 0;
  for (let i = from; i < from + count; i++) {
    const d = text.charCodeAt(i) - 48;
    if (d < 0 || d > 9) return -1;
    value = value * 10 + d;
  }
  return value;
}

/**
 * The hot path: `YYYY-MM-DDTHH:MM:SSZ` and `YYYY-MM-DDTHH:MM:SS.sssZ` (what meterstream writes) are
 * parsed digit by digit; undefined sends anything else to the general parser.
 */
function parseCanonicalInstant(text: string): number | undefined {
  const length = text.length;
  if ((length !== 20 && length !== 24) || text.charCodeAt(length - 1) !== 90 /* Z */) return undefined;
  if (text[4] !== '-' || text[7] !== '-' || text[10] !== 'T' || text[13] !== ':' || text[16] !== ':')
    return undefined;
  const year = digits(text, 0, 4);
  const month = digits(text, 5, 2);
  const day = digits(text, 8, 2);
  const hour = digits(text, 11, 2);
  const minute = digits(text, 14, 2);
  const second = digits(text, 17, 2);
  let millis = 0;
  if (length === 24) {
    if (text[19] !== '.') return undefined;
    millis = digits(text, 20, 3);
  }
  if (year < 0 || month < 1 || month > 12 || day < 1 || hour < 0 || hour > 23 || minute < 0 || minute > 59)
    return undefined;
  if (second < 0 || second > 59 || millis < 0) return undefined;
  const leap = month === 2 && year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0);
  if (day > DAYS_IN_MONTH[month - 1]! + (leap ? 1 : 0)) return undefined;
  if (year >= 100) return Date.UTC(year, month - 1, day, hour, minute, second, millis);
  // Date.UTC reads years 0–99 as 1900–1999; setUTCFullYear takes them as they are.
  const midnight = new Date(0).setUTCFullYear(year, month - 1, day);
  return midnight + ((hour * 60 + minute) * 60 + second) * 1000 + millis;
}

/**
 * The last instant parsed: a fleet reports at the same instants, so consecutive metrics (one per
 * meter) usually carry the same timestamp text, and comparing it is cheaper than parsing it.
 */
// Undefined until the first parse: an initial '' would answer parseInstant('') with 0.
let lastText: string | undefined;
let lastInstant = 0;

/** Parses an ISO-8601 instant to epoch milliseconds, or returns an explanation of why it is not one. */
export function parseInstant(text: string): number | { error: string } {
  if (text === lastText) return lastInstant;
  const fast = parseCanonicalInstant(text);
  if (fast !== undefined) {
    lastText = text;
    lastInstant = fast;
    return fast;
  }
  if (!ISO_INSTANT.test(text))
    return { error: `not an ISO-8601 instant with a zone: ${JSON.stringify(text)}` };
  const ms = Date.parse(text);
  if (!Number.isFinite(ms)) return { error: `not a valid date-time: ${JSON.stringify(text)}` };
  // Date.parse accepts 2006-02-30 by rolling over; round-tripping the date part catches it.
  const datePart = text.slice(0, 10);
  const offsetMatch = /(Z|[+-]\d{2}:\d{2})$/.exec(text)![1]!;
  const offsetMinutes =
    offsetMatch === 'Z'
      ? 0
      : (offsetMatch[0] === '-' ? -1 : 1) *
        (Number(offsetMatch.slice(1, 3)) * 60 + Number(offsetMatch.slice(4, 6)));
  const local = new Date(ms + offsetMinutes * 60_000).toISOString().slice(0, 10);
  if (local !== datePart) return { error: `not a valid calendar date: ${JSON.stringify(text)}` };
  return ms;
}

/** Formats epoch milliseconds as an ISO-8601 UTC instant, without milliseconds when they are zero. */
export function formatInstant(epochMs: number): string {
  const iso = new Date(epochMs).toISOString();
  return iso.endsWith('.000Z') ? `${iso.slice(0, 19)}Z` : iso;
}

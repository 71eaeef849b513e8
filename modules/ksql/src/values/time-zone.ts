/**
 * Time zones for the date-time functions: Java ZoneId strings (`UTC`, `Z`, `+02:00`, `GMT+2`,
 * `America/Los_Angeles`) resolved once into a function giving the zone's UTC offset at an instant.
 * IANA zones come from the platform's Intl database.
 */

export interface TimeZone {
  /** The id as Java prints it (`UTC`, `+02:00`, `Europe/Paris`). */
  readonly id: string;
  /** Offset from UTC in ms at the instant `epochMs`. */
  offsetAt(epochMs: number): number;
  /** Short display name at an instant (`PST`, `UTC`, `GMT+02:00`). */
  shortName(epochMs: number): string;
  /** Long display name at an instant (`Pacific Standard Time`). */
  longName(epochMs: number): string;
}

const fixedCache = new Map<string, TimeZone>();
const zoneCache = new Map<string, TimeZone>();

function fixed(id: string, offsetMs: number): TimeZone {
  return { id, offsetAt: () => offsetMs, shortName: () => id, longName: () => id };
}

export const UTC: TimeZone = {
  id: 'UTC',
  offsetAt: () => 0,
  shortName: () => 'UTC',
  longName: () => 'Coordinated Universal Time',
};

/** `+02:00` style text for an offset (Z for zero when `zeroAsZ`). */
export function formatOffsetId(offsetMs: number): string {
  if (offsetMs === 0) return 'Z';
  const total = Math.abs(offsetMs) / 60_000;
  const sign = offsetMs < 0 ? '-' : '+';
  return `${sign}${String(Math.floor(total / 60)).padStart(2, '0')}:${String(total % 60).padStart(2, '0')}`;
}

const OFFSET_RE = /^(?:(UTC|GMT|UT))?([+-])(\d{1,2})(?::?(\d{2}))?(?::?(\d{2}))?$/;

function parseOffsetZone(id: string): TimeZone | undefined {
  const m = OFFSET_RE.exec(id);
  if (!m) return undefined;
  const h = Number(m[3]);
  const mi = Number(m[4] ?? 0);
  const s = Number(m[5] ?? 0);
  if (h > 18 || mi > 59 || s > 59) return undefined;
  const ms = (m[2] === '-' ? -1 : 1) * ((h * 60 + mi) * 60 + s) * 1000;
  const norm = formatOffsetId(ms);
  return fixed(m[1] ? `${m[1]}${ms === 0 ? '' : norm}` : norm, ms);
}

function intlZone(id: string): TimeZone | undefined {
  let dtf: Intl.DateTimeFormat;
  try {
    dtf = new Intl.DateTimeFormat('en-US', {
      timeZone: id,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
      era: 'short',
    });
  } catch {
    return undefined;
  }
  // Java names zones by their usual abbreviation (BST, CEST, JST, IST, AEST); each Intl locale
  // knows only its own region's, so ask several and keep the first that is not "GMT±n".
  const shortFmts = SHORT_NAME_LOCALES.map(
    (l) => new Intl.DateTimeFormat(l, { timeZone: id, timeZoneName: 'short' }),
  );
  const longFmt = new Intl.DateTimeFormat('en-US', { timeZone: id, timeZoneName: 'long' });
  const resolved = dtf.resolvedOptions().timeZone;
  const name = (f: Intl.DateTimeFormat, ms: number): string =>
    f.formatToParts(ms).find((p) => p.type === 'timeZoneName')?.value ?? resolved;
  // The wall-clock fields in the zone, read back as if UTC, minus the instant.
  const computeOffset = (whole: number): number => {
    const parts = dtf.formatToParts(whole);
    const get = (t: Intl.DateTimeFormatPartTypes): number => Number(parts.find((p) => p.type === t)?.value);
    let year = get('year');
    if (parts.find((p) => p.type === 'era')?.value === 'BC') year = 1 - year;
    const d = new Date(0);
    d.setUTCFullYear(year, get('month') - 1, get('day'));
    d.setUTCHours(get('hour'), get('minute'), get('second'), 0);
    return d.getTime() - whole;
  };
  const offsets = new Map<number, number>();
  return {
    id: resolved === 'Etc/UTC' && id !== 'Etc/UTC' ? id : resolved,
    offsetAt(epochMs: number): number {
      // Zones change offset only on quarter hours: one Intl call per quarter hour seen (a
      // per-record FORMAT_TIMESTAMP in a zone would otherwise format every time).
      const bucket = Math.floor(epochMs / QUARTER_HOUR);
      const cached = offsets.get(bucket);
      if (cached !== undefined) return cached;
      const offset = computeOffset(bucket * QUARTER_HOUR);
      if (offsets.size >= 4096) offsets.clear();
      offsets.set(bucket, offset);
      return offset;
    },
    shortName: (ms) => {
      let first: string | undefined;
      for (const f of shortFmts) {
        const n = name(f, ms);
        if (!/^(GMT|UTC)[+-−]/.test(n)) return n;
        first ??= n;
      }
      return first ?? resolved;
    },
    longName: (ms) => name(longFmt, ms),
  };
}

const SHORT_NAME_LOCALES = ['en-US', 'en-GB', 'en-IN', 'en-AU', 'ja-JP'];
const QUARTER_HOUR = 900_000;

/** Resolves a Java ZoneId string; throws a RangeError naming it when unknown (ZoneRulesException). */
export function resolveTimeZone(id: string): TimeZone {
  const key = id.trim();
  if (key === 'UTC' || key === 'Z' || key === 'Etc/UTC') return key === 'UTC' ? UTC : fixed(key, 0);
  let z = fixedCache.get(key) ?? zoneCache.get(key);
  if (z) return z;
  if (key === 'GMT' || key === 'UT') z = fixed(key, 0);
  else
    z = parseOffsetZone(key) ?? (key.includes('/') || /^[A-Z]{3,4}$/.test(key) ? intlZone(key) : undefined);
  if (!z) throw new RangeError(`Unknown time-zone ID: ${id}`);
  zoneCache.set(key, z);
  return z;
}

/**
 * The instant of a local date-time (ms since the epoch read as UTC fields) in `zone`. In a gap
 * (spring forward) the later offset applies and in an overlap the earlier, as Java's ZonedDateTime.ofLocal.
 */
export function localToInstant(localMs: number, zone: TimeZone): number {
  // Zones change offset at most once within a day: the offsets a day either side are the candidates.
  const before = zone.offsetAt(localMs - 86_400_000);
  const after = zone.offsetAt(localMs + 86_400_000);
  const validBefore = zone.offsetAt(localMs - before) === before;
  if (before === after) return validBefore ? localMs - before : localMs - zone.offsetAt(localMs - before);
  const validAfter = zone.offsetAt(localMs - after) === after;
  if (validBefore && validAfter) return localMs - Math.max(before, after); // overlap: the earlier instant
  if (validBefore) return localMs - before;
  if (validAfter) return localMs - after;
  return localMs - before; // gap: shifted forward by the gap's length
}

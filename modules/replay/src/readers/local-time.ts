import { DateTime, type Zone } from 'luxon';

/** A zone name luxon does not know (IANA names such as `Europe/Paris`, `UTC`, `UTC+1`). */
export class UnknownZoneError extends Error {
  override readonly name = 'UnknownZoneError';
  constructor(readonly zone: string) {
    super(`unknown time zone ${JSON.stringify(zone)} (expected an IANA name such as Europe/Paris, or UTC+1)`);
  }
}

export function resolveZone(name: string): Zone {
  const probe = DateTime.now().setZone(name);
  if (!probe.isValid) throw new UnknownZoneError(name);
  return probe.zone;
}

const HOUR_MS = 3_600_000;
const DAY_MS = 86_400_000;
/** Bounds the offset cache; rows come in time order, so only the last few hours are ever hit again. */
const MAX_CACHED_HOURS = 4096;

/**
 * Converts wall-clock times of one zone to UTC instants, statefully, for a file read in time order.
 *
 * - A local time that happens once converts to its one instant.
 * - A local time in the hour repeated when clocks go back (02:00–02:59 on the last Sunday of
 *   October in Europe/Paris) has two instants. The first instant not before the previous row's is
 *   taken: the first pass through the hour gets summer time, and once the clock is seen to go
 *   back the second pass gets winter time. Without a previous row the earlier instant is taken.
 * - A local time in the hour skipped when clocks go forward does not exist: `toUtc` returns null
 *   and the reader counts the row as `nonexistent-local-time` rather than guessing.
 *
 * Asking the zone for an offset costs ~10 µs (Intl), so offsets are cached: per local day when
 * the day has a single offset, per local hour on the days of a change. This assumes the zone
 * changes offset only on whole local hours, true of every European zone (and of the UCI data).
 */
export class LocalTimeConverter {
  private readonly zone: Zone;
  private readonly cache = new Map<number, readonly number[]>();
  private readonly dayCache = new Map<number, readonly number[] | null>();
  private previous = Number.NEGATIVE_INFINITY;

  constructor(zone: string | Zone) {
    this.zone = typeof zone === 'string' ? resolveZone(zone) : zone;
  }

  get zoneName(): string {
    return this.zone.name;
  }

  /**
   * `localMs` is the wall-clock time encoded as if it were UTC (`Date.UTC(y, m - 1, d, h, mi, s)`).
   * Returns epoch milliseconds, or null when that wall-clock time does not exist in the zone.
   */
  toUtc(localMs: number): number | null {
    const candidates = this.candidateOffsets(localMs);
    if (candidates.length === 0) return null;
    let chosen = localMs - candidates[0]! * 60_000;
    if (candidates.length > 1) {
      // candidates are sorted by decreasing offset, i.e. by increasing instant
      for (const offset of candidates) {
        const instant = localMs - offset * 60_000;
        chosen = instant;
        if (instant >= this.previous) break;
      }
    }
    this.previous = chosen;
    return chosen;
  }

  /** The offsets (minutes east of UTC) under which `localMs` is a real wall-clock time, largest first. */
  private candidateOffsets(localMs: number): readonly number[] {
    // Most days have one offset throughout: found with two zone lookups and cached per day.
    const day = Math.floor(localMs / DAY_MS);
    let daily = this.dayCache.get(day);
    if (daily === undefined) {
      // Any local time of the day is an instant within [start − 14 h, start + 24 h + 12 h] (offsets
      // range from −12 h to +14 h); one offset at both ends means no change in between.
      const before = this.zone.offset(day * DAY_MS - 15 * HOUR_MS);
      const after = this.zone.offset(day * DAY_MS + 37 * HOUR_MS);
      daily = before === after ? [before] : null;
      if (this.dayCache.size >= MAX_CACHED_HOURS) this.dayCache.clear();
      this.dayCache.set(day, daily);
    }
    if (daily !== null) return daily;
    const hour = Math.floor(localMs / HOUR_MS);
    let cached = this.cache.get(hour);
    if (cached === undefined) {
      const probe = hour * HOUR_MS;
      // The offsets in force a day either side cover both sides of any transition near this hour.
      const options = new Set([this.zone.offset(probe - DAY_MS), this.zone.offset(probe + DAY_MS)]);
      const valid: number[] = [];
      for (const offset of options) {
        if (this.zone.offset(probe - offset * 60_000) === offset) valid.push(offset);
      }
      valid.sort((a, b) => b - a);
      cached = valid;
      if (this.cache.size >= MAX_CACHED_HOURS) this.cache.clear();
      this.cache.set(hour, cached);
    }
    return cached;
  }
}

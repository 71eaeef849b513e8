import { formatOffsetId, type TimeZone, UTC } from './time-zone.js';
import { Parsed, type TemporalKind } from './java-time/fields.js';
import { failedAt, parseElements, resolveParsed } from './java-time/parse.js';
import { fixedPrefix } from './java-time/parse-fixed-prefix.js';
import { compileElements } from './java-time/pattern.js';
import { fieldsOf, formatElements } from './java-time/print.js';

/**
 * A compiler for java.time.format.DateTimeFormatter patterns (what ksqlDB's TIMESTAMPTOSTRING,
 * PARSE_TIMESTAMP, FORMAT_DATE, … take): `yyyy-MM-dd'T'HH:mm:ss.SSSX`, quoted literals with `''`,
 * optional sections `[.SSS]`, month and day names, AM/PM, zone offsets (X, x, Z, O) and zone
 * names (z, VV). A pattern is compiled once into a formatter and a parser closure.
 */

export type { TemporalKind };

export interface JavaTimeFormatter {
  readonly pattern: string;
  /** Formats an instant (ms since the epoch) in `zone`; a DATE is its midnight, a TIME is ms of day. */
  format(epochMs: number, zone?: TimeZone, kind?: TemporalKind): string;
  /** Parses to ms since the epoch (zone used when the text has no offset); throws a RangeError. */
  parse(text: string, zone?: TimeZone): number;
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

import { KsqlError } from '../errors.js';

const UNITS: Readonly<Record<string, number>> = {
  MILLISECOND: 1,
  MILLISECONDS: 1,
  SECOND: 1000,
  SECONDS: 1000,
  MINUTE: 60_000,
  MINUTES: 60_000,
  HOUR: 3_600_000,
  HOURS: 3_600_000,
  DAY: 86_400_000,
  DAYS: 86_400_000,
};

/** Parses a WITH-clause duration (`WINDOW_SIZE='30 SECONDS'`) into ms, with ksqlDB's messages. */
export function parseDurationProperty(property: string, text: string): number {
  const m = /^\s*(\d+)\s+(\S+)\s*$/.exec(text);
  if (!m) {
    throw new KsqlError(
      `Configuration ${property} is invalid: Invalid duration: '${text}'. Expected format: '<number> <time unit>'`,
    );
  }
  const unit = m[2].toUpperCase();
  const ms = UNITS[unit];
  if (ms === undefined)
    throw new KsqlError(
      `Configuration ${property} is invalid: Invalid duration: '${text}'. Unknown time unit: '${unit}'`,
    );
  return Number(m[1]) * ms;
}

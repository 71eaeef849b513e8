import { parseInstant } from '@meterstream/common';

/** Window lengths the speed and batch layers maintain (seconds). */
export const WINDOWS = [60, 600, 3600, 86400] as const;

export class RangeError_ extends Error {}

/** A bad parameter of a command or query; the message says which and why. */
export class InvalidParameterError extends Error {
  override readonly name = 'InvalidParameterError';
  constructor(
    readonly parameter: string,
    reason: string,
  ) {
    super(`invalid ${parameter}: ${reason}`);
  }
}

/**
 * Parses a range bound: a UTC date `yyyy-mm-dd` (midnight UTC) or an ISO-8601 instant with a zone.
 */
export function parseBound(parameter: string, text: unknown): number {
  if (typeof text !== 'string' || text.length === 0) throw new InvalidParameterError(parameter, 'required');
  const candidate = /^\d{4}-\d{2}-\d{2}$/.test(text) ? `${text}T00:00:00Z` : text;
  const parsed = parseInstant(candidate);
  if (typeof parsed !== 'number') {
    throw new InvalidParameterError(
      parameter,
      `expected yyyy-mm-dd or an ISO-8601 instant with a zone, got ${JSON.stringify(text)}`,
    );
  }
  return parsed;
}

export function parseWindow(text: unknown): number {
  const window =
    typeof text === 'number'
      ? text
      : typeof text === 'string' && /^\d+$/.test(text)
        ? Number(text)
        : Number.NaN;
  if (!(WINDOWS as readonly number[]).includes(window)) {
    throw new InvalidParameterError(
      'window',
      `expected one of ${WINDOWS.join(', ')} (seconds), got ${JSON.stringify(text)}`,
    );
  }
  return window;
}

/** A half-open range [from, to) with from < to. */
export function parseRange(from: unknown, to: unknown): { from: number; to: number } {
  const range = { from: parseBound('from', from), to: parseBound('to', to) };
  if (range.from >= range.to) throw new InvalidParameterError('to', 'must be after from');
  return range;
}

/** Both bounds on window boundaries, so every window of the range is whole. */
export function requireWindowAligned(range: { from: number; to: number }, window: number): void {
  for (const [name, value] of Object.entries(range)) {
    if (value % (window * 1000) !== 0) {
      throw new InvalidParameterError(
        name,
        `${new Date(value).toISOString()} is not on a ${window} s window boundary`,
      );
    }
  }
}

import { parseInstant } from '@meterstream/common';
import type { RawReading } from './raw-reading.js';
import type { QualityRules, SeriesRules } from './rules-config.js';

/** The rules that quarantine a reading (metrics-quarantine's `rule`, the Prometheus `rule` label). */
export type QuarantineRule =
  | 'timestamp-unparsable'
  | 'non-finite'
  | 'unit-unknown'
  | 'unit-mismatch'
  | 'timestamp-future'
  | 'timestamp-too-old'
  | 'negative'
  | 'out-of-bounds';

export interface ValidReading {
  timestamp: number;
  /** In the canonical unit. */
  value: number;
  unit: string | null;
  converted: boolean;
}

export type Validation =
  | { ok: true; reading: ValidReading }
  | { ok: false; rule: QuarantineRule; reason: string };

const fail = (rule: QuarantineRule, reason: string): Validation => ({ ok: false, rule, reason });

/**
 * Checks one reading, first failing rule wins: timestamp parses, value finite, unit known (and the
 * series' canonical one after conversion), not beyond wall clock + tolerance, not older than the
 * stage's stream time − retention, then the value's sign and bounds (after conversion).
 */
export function validateReading(
  raw: RawReading,
  series: SeriesRules,
  rules: QualityRules,
  nowMs: number,
  streamTimeMs: number,
): Validation {
  const timestamp = parseInstant(raw.timestamp);
  if (typeof timestamp !== 'number') return fail('timestamp-unparsable', timestamp.error);
  if (!Number.isFinite(raw.value)) return fail('non-finite', `value is ${raw.value}`);
  let value = raw.value;
  let unit = series.unit;
  let converted = false;
  if (raw.unit !== null) {
    const conversion = rules.units[raw.unit];
    if (!conversion) return fail('unit-unknown', `unknown unit ${JSON.stringify(raw.unit)}`);
    if (series.unit !== null && conversion.to !== series.unit)
      return fail('unit-mismatch', `unit ${raw.unit} (${conversion.to}) where ${series.unit} is expected`);
    value = raw.value * conversion.factor;
    unit = conversion.to;
    converted = raw.unit !== conversion.to;
  }
  if (timestamp > nowMs + rules.futureToleranceSec * 1000)
    return fail(
      'timestamp-future',
      `${raw.timestamp} is more than ${rules.futureToleranceSec} s ahead of now`,
    );
  if (streamTimeMs >= 0 && timestamp < streamTimeMs - rules.retentionSec * 1000)
    return fail(
      'timestamp-too-old',
      `${raw.timestamp} is more than ${rules.retentionSec} s behind stream time`,
    );
  if (series.nonNegative && value < 0) return fail('negative', `value ${value} < 0`);
  if (series.min !== null && value < series.min)
    return fail('out-of-bounds', `value ${value} < min ${series.min}`);
  if (series.max !== null && value > series.max)
    return fail('out-of-bounds', `value ${value} > max ${series.max}`);
  return { ok: true, reading: { timestamp, value, unit, converted } };
}

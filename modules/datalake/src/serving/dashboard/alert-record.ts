/**
 * What the Alerts view shows of the two alert topics, one shape for both:
 *
 * - `alarms` (the ksql stream of ksql/queries.ksql): JSON values `{ GATEWAY, EVENT_TIME, VALUE,
 *   MIN_VALUE, MAX_VALUE, ALARM: 'UNDER' | 'OVER' }`, the series `<TYPE>.<ATTRIBUTE>` in the key
 *   (ksqlDB keeps the join key out of the value) or as `SERIES` in the value;
 * - `meter-alerts` (the quality stage, modules/quality outputs.ts `MeterAlert`): JSON values
 *   `{ type, gateway, metricType, metricAttribute, timestamp, reason, details }`.
 *
 * Decoding is strict: a record that does not have these fields is an AlertDecodeError naming the
 * topic, partition and offset, counted by the feed and shown on the page — never dropped unseen.
 */

export const ALERT_KINDS = [
  'over',
  'under',
  'meter-flagged',
  'meter-recovered',
  'long-gap',
  'unit-error',
] as const;
export type AlertKind = (typeof ALERT_KINDS)[number];
export type AlertSource = 'alarms' | 'meter-alerts';

/** Kinds the heat map counts by default: every anomaly, not the end of one. */
export const ANOMALY_KINDS: readonly AlertKind[] = ALERT_KINDS.filter((kind) => kind !== 'meter-recovered');

export interface DashboardAlert {
  /** Arrival order in this server (the live stream's cursor). */
  seq: number;
  source: AlertSource;
  kind: AlertKind;
  gateway: string;
  /** `<TYPE>.<ATTRIBUTE>`. */
  series: string;
  /** Event time, epoch ms: when the condition was seen. */
  at: number;
  /** One line for people: the value and its band, or the quality stage's reason and details. */
  detail: string;
}

export type DecodedAlert = Omit<DashboardAlert, 'seq'>;

export interface AlertRecordPosition {
  topic: string;
  partition: number;
  offset: string;
}

export class AlertDecodeError extends Error {
  override readonly name = 'AlertDecodeError';
  constructor(position: AlertRecordPosition, reason: string) {
    super(`${position.topic}[${position.partition}]@${position.offset}: ${reason}`);
  }
}

function parseJson(value: Buffer | null, position: AlertRecordPosition): Record<string, unknown> {
  if (value === null) throw new AlertDecodeError(position, 'no value (tombstone)');
  let parsed: unknown;
  try {
    parsed = JSON.parse(value.toString('utf8'));
  } catch (error) {
    throw new AlertDecodeError(position, `not JSON: ${(error as Error).message}`);
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw new AlertDecodeError(position, 'the value is not a JSON object');
  }
  return parsed as Record<string, unknown>;
}

function text(record: Record<string, unknown>, field: string, position: AlertRecordPosition): string {
  const value = record[field];
  if (typeof value === 'string' && value.length > 0) return value;
  if (typeof value === 'number') return String(value);
  throw new AlertDecodeError(position, `field ${field} missing or not a string`);
}

/** An instant as ISO-8601 text or epoch ms; `fallback` (the record's timestamp) when absent. */
function instant(value: unknown, fallback: number, field: string, position: AlertRecordPosition): number {
  if (value === undefined || value === null) return fallback;
  const ms = typeof value === 'number' ? value : typeof value === 'string' ? Date.parse(value) : Number.NaN;
  if (!Number.isFinite(ms)) throw new AlertDecodeError(position, `field ${field} is not an instant`);
  return ms;
}

const shown = (value: unknown) => (typeof value === 'number' ? String(value) : JSON.stringify(value));

/** A record of the ksql `alarms` stream. */
export function decodeAlarm(
  key: Buffer | null,
  value: Buffer | null,
  timestamp: number,
  position: AlertRecordPosition,
): DecodedAlert {
  const row = parseJson(value, position);
  const alarm = text(row, 'ALARM', position);
  if (alarm !== 'OVER' && alarm !== 'UNDER') {
    throw new AlertDecodeError(position, `ALARM is ${JSON.stringify(alarm)}, not OVER or UNDER`);
  }
  const series = typeof row.SERIES === 'string' ? row.SERIES : key?.toString('utf8');
  if (!series) throw new AlertDecodeError(position, 'no series: neither a key nor a SERIES field');
  const over = alarm === 'OVER';
  return {
    source: 'alarms',
    kind: over ? 'over' : 'under',
    gateway: text(row, 'GATEWAY', position),
    series,
    at: instant(row.EVENT_TIME, timestamp, 'EVENT_TIME', position),
    detail: over
      ? `${shown(row.VALUE)} above max ${shown(row.MAX_VALUE)}`
      : `${shown(row.VALUE)} below min ${shown(row.MIN_VALUE)}`,
  };
}

const METER_ALERT_KINDS: readonly string[] = ['meter-flagged', 'meter-recovered', 'long-gap', 'unit-error'];

/** A record of the quality stage's `meter-alerts`. */
export function decodeMeterAlert(
  value: Buffer | null,
  timestamp: number,
  position: AlertRecordPosition,
): DecodedAlert {
  const row = parseJson(value, position);
  const type = text(row, 'type', position);
  if (!METER_ALERT_KINDS.includes(type)) {
    throw new AlertDecodeError(
      position,
      `type ${JSON.stringify(type)} is not one of ${METER_ALERT_KINDS.join(', ')}`,
    );
  }
  const details =
    typeof row.details === 'object' && row.details !== null
      ? Object.entries(row.details as Record<string, unknown>).map(([name, v]) => `${name}=${shown(v)}`)
      : [];
  return {
    source: 'meter-alerts',
    kind: type as AlertKind,
    gateway: text(row, 'gateway', position),
    series: `${text(row, 'metricType', position)}.${text(row, 'metricAttribute', position)}`,
    at: instant(row.timestamp, timestamp, 'timestamp', position),
    detail: [typeof row.reason === 'string' ? row.reason : '', ...details].filter(Boolean).join(' '),
  };
}

/**
 * The load generator's record payloads as templates: every key's key and value bytes are encoded
 * once, with the event timestamp at a fixed place of fixed width, so a tick writes one timestamp
 * (encoded once per tick) into each record instead of encoding records (the generator must cost far
 * less CPU than what it loads).
 *
 * Formats:
 * - `theodolite-json` / `theodolite-avro`: Theodolite's ActivePowerRecord
 *   `{identifier, timestamp (epoch ms), valueInW}`, keyed by the identifier (UC1–UC3);
 * - `metric-avro` / `metric-json`: meterstream's Metric (what `meterstream aggregate` reads),
 *   keyed `<gateway>.ELECTRICITY.ACTIVE_POWER`, timestamp as an ISO-8601 instant.
 * The Avro variants carry the Confluent wire header with the id the registry gave the schema.
 */
import avro from 'avsc';

export type ValueFormat = 'theodolite-json' | 'theodolite-avro' | 'metric-avro' | 'metric-json';
export const VALUE_FORMATS: readonly ValueFormat[] = [
  'theodolite-json',
  'theodolite-avro',
  'metric-avro',
  'metric-json',
];

/** Theodolite's ActivePowerRecord (titan.ccp.model.records), written here from its field list. */
export const ACTIVE_POWER_AVRO_SCHEMA = {
  type: 'record',
  name: 'ActivePowerRecord',
  namespace: 'meterstream.bench',
  fields: [
    { name: 'identifier', type: 'string' },
    { name: 'timestamp', type: 'long' },
    { name: 'valueInW', type: 'double' },
  ],
} as const;

export interface RecordTemplate {
  readonly key: Buffer;
  /** The value with a placeholder timestamp of the stamp's width at `timestampAt`. */
  readonly value: Buffer;
  readonly timestampAt: number;
}

export interface PayloadTemplates {
  readonly format: ValueFormat;
  readonly records: readonly RecordTemplate[];
  /** The timestamp bytes of `epochMs`, as wide as the placeholder in every template. */
  stamp(epochMs: number): Buffer;
}

/** The key of sensor `i` in the format's key space. */
export function sensorKey(format: ValueFormat, i: number): string {
  const id = `sensor-${String(i).padStart(7, '0')}`;
  return format.startsWith('metric') ? `${id}.ELECTRICITY.ACTIVE_POWER` : id;
}

/** A deterministic, varied power value per sensor (the work per record does not depend on it). */
function powerOf(i: number): number {
  return 100 + ((i * 7919) % 5000) / 10;
}

/**
 * Templates for `keys` sensors. `nowMs` fixes the width of the timestamp placeholders: epoch
 * milliseconds stay 13 digits (and 6 zig-zag bytes in Avro) until the year 2286, ISO instants 24
 * characters, so one width holds for a whole run.
 */
export function buildTemplates(
  format: ValueFormat,
  keys: number,
  nowMs: number,
  schemaId = 0,
): PayloadTemplates {
  switch (format) {
    case 'theodolite-json':
      return jsonTemplates(
        format,
        keys,
        nowMs,
        (i, ts) => `{"identifier":"${sensorKey(format, i)}","timestamp":${ts},"valueInW":${powerOf(i)}}`,
        (ms) => String(ms),
      );
    case 'metric-json':
      return jsonTemplates(
        format,
        keys,
        nowMs,
        (i, ts) =>
          `{"gateway":"${sensorKey(format, i).split('.')[0]}","metricType":"ELECTRICITY","metricAttribute":"ACTIVE_POWER","timestamp":"${ts}","value":${powerOf(i)}}`,
        (ms) => new Date(ms).toISOString(),
      );
    case 'theodolite-avro': {
      const type = avro.Type.forSchema(ACTIVE_POWER_AVRO_SCHEMA as unknown as avro.Schema);
      const longType = avro.Type.forSchema('long');
      return avroTemplates(
        format,
        keys,
        nowMs,
        schemaId,
        (i, ms) => type.toBuffer({ identifier: sensorKey(format, i), timestamp: ms, valueInW: powerOf(i) }),
        (ms) => longType.toBuffer(ms),
      );
    }
    case 'metric-avro': {
      const stringType = avro.Type.forSchema('string');
      const doubleType = avro.Type.forSchema('double');
      // Metric's fields in order: gateway, metricType, metricAttribute, timestamp (ISO string), value,
      // unit (a union with null first: the one byte 0, no unit).
      const encode = (i: number, ms: number) =>
        Buffer.concat([
          stringType.toBuffer(sensorKey(format, i).split('.')[0]!),
          stringType.toBuffer('ELECTRICITY'),
          stringType.toBuffer('ACTIVE_POWER'),
          stringType.toBuffer(new Date(ms).toISOString()),
          doubleType.toBuffer(powerOf(i)),
          Buffer.from([0]),
        ]);
      return avroTemplates(format, keys, nowMs, schemaId, encode, (ms) =>
        Buffer.from(new Date(ms).toISOString()),
      );
    }
  }
}

function jsonTemplates(
  format: ValueFormat,
  keys: number,
  nowMs: number,
  render: (i: number, timestamp: string) => string,
  stampText: (ms: number) => string,
): PayloadTemplates {
  const placeholder = stampText(nowMs).replace(/[0-9]/g, '0');
  const records: RecordTemplate[] = [];
  for (let i = 0; i < keys; i++) {
    const text = render(i, placeholder);
    const marker = render(i, '\u0001'.repeat(placeholder.length));
    records.push({
      key: Buffer.from(sensorKey(format, i)),
      value: Buffer.from(text),
      timestampAt: Buffer.from(marker).indexOf(1),
    });
  }
  const width = Buffer.byteLength(placeholder);
  return { format, records, stamp: (ms) => fixedWidth(Buffer.from(stampText(ms)), width) };
}

function avroTemplates(
  format: ValueFormat,
  keys: number,
  nowMs: number,
  schemaId: number,
  encode: (i: number, ms: number) => Buffer,
  stampBytes: (ms: number) => Buffer,
): PayloadTemplates {
  const header = Buffer.alloc(5);
  header.writeInt32BE(schemaId, 1);
  const width = stampBytes(nowMs).length;
  const records: RecordTemplate[] = [];
  for (let i = 0; i < keys; i++) {
    const body = encode(i, nowMs);
    // The timestamp's place: where the encodings at two instants of the same width differ.
    const other = encode(i, nowMs + 1);
    let at = 0;
    while (at < body.length && body[at] === other[at]) at++;
    const stamp = stampBytes(nowMs);
    at = body.indexOf(stamp, Math.max(0, at - width + 1));
    records.push({
      key: Buffer.from(sensorKey(format, i)),
      value: Buffer.concat([header, body]),
      timestampAt: 5 + at,
    });
  }
  return { format, records, stamp: (ms) => fixedWidth(stampBytes(ms), width) };
}

function fixedWidth(bytes: Buffer, width: number): Buffer {
  if (bytes.length !== width)
    throw new Error(`timestamp encoding changed width (${bytes.length} bytes, templates have ${width})`);
  return bytes;
}

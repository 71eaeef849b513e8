import { readFileSync } from 'node:fs';
import avro from 'avsc';
import { describe, expect, it } from 'vitest';
import {
  type AggregateMetric,
  DeserializationError,
  METRIC_CLEAN_AVRO_SCHEMA,
  METRIC_READING_AVRO_SCHEMA,
  type Metric,
  avroProjectionSerde,
  aggregateAvroSerde,
  aggregateJsonSerde,
  emptyAggregate,
  foldMetric,
  metricAvroSerde,
  metricJsonSerde,
  metricReadingAvroSerde,
  metricReadingFromProjection,
  metricReadingJsonSerde,
  stringSerde,
} from '../src/index.js';
import { ISO_INSTANT_LOGICAL_TYPES } from '../src/serdes/iso-instant-type.js';

const metric: Metric = {
  gateway: '0',
  metricType: 'ELECTRICITY',
  metricAttribute: 'ACTIVE_POWER',
  timestamp: Date.UTC(2006, 11, 16, 17, 24),
  value: 4.216,
};

const aggregate: AggregateMetric = [4.216, -1.5, 3].reduce(
  (agg, value) => foldMetric(agg, { value }),
  emptyAggregate(metric, Date.UTC(2006, 11, 16, 17, 0), Date.UTC(2006, 11, 16, 18, 0)),
);

/** Avro binary written by hand from the spec: zig-zag varint lengths, UTF-8 bytes, little-endian doubles. */
function handWrittenAvro(fields: (string | number)[]): Buffer {
  const parts: Buffer[] = [];
  for (const field of fields) {
    if (typeof field === 'string') {
      const bytes = Buffer.from(field, 'utf8');
      let zigzag = bytes.length * 2;
      const varint: number[] = [];
      while (zigzag > 0x7f) {
        varint.push((zigzag & 0x7f) | 0x80);
        zigzag >>>= 7;
      }
      varint.push(zigzag);
      parts.push(Buffer.from(varint), bytes);
    } else {
      const double = Buffer.alloc(8);
      double.writeDoubleLE(field);
      parts.push(double);
    }
  }
  return Buffer.concat(parts);
}

describe('string serde', () => {
  it('round-trips and rejects invalid UTF-8', () => {
    expect(stringSerde.deserialize(stringSerde.serialize('0.GAS.GAS_IDD'))).toBe('0.GAS.GAS_IDD');
    expect(() => stringSerde.deserialize(Buffer.from([0xff, 0xfe]))).toThrow(DeserializationError);
  });

  it('writes in place exactly the bytes serialize() returns (the streams stores use this path)', () => {
    for (const text of ['', '0.GAS.GAS_IDD', 'zähler-ü.€.𝄞']) {
      const expected = stringSerde.serialize(text);
      expect(stringSerde.serializedSize!(text)).toBe(expected.length);
      const target = Buffer.alloc(expected.length + 4, 0xaa);
      stringSerde.serializeInto!(text, target, 2);
      expect(target.subarray(2, 2 + expected.length)).toEqual(expected);
      expect([...target.subarray(0, 2), ...target.subarray(2 + expected.length)]).toEqual([
        0xaa, 0xaa, 0xaa, 0xaa,
      ]);
    }
  });
});

describe('Metric serdes', () => {
  it('JSON round trip, with the timestamp as an ISO-8601 string on the wire', () => {
    const bytes = metricJsonSerde.serialize(metric);
    expect(JSON.parse(bytes.toString()).timestamp).toBe('2006-12-16T17:24:00Z');
    expect(metricJsonSerde.deserialize(bytes)).toEqual(metric);
  });

  it('Avro round trip', () => {
    expect(metricAvroSerde.deserialize(metricAvroSerde.serialize(metric))).toEqual(metric);
  });

  it('Avro bytes equal bytes written independently from the .avsc and from the Avro spec', () => {
    const raw = JSON.parse(readFileSync(new URL('../schemas/metric.avsc', import.meta.url), 'utf8'));
    const wire = { ...metric, timestamp: '2006-12-16T17:24:00Z' };
    const independent = avro.Type.forSchema(raw).toBuffer(wire);
    expect(metricAvroSerde.serialize(metric).equals(independent)).toBe(true);
    // The optional unit is a union ["null", "string"]: absent, it is branch 0 (zigzag 0, one byte).
    const unitAbsent = Buffer.from([0]);
    const byHand = Buffer.concat([
      handWrittenAvro(['0', 'ELECTRICITY', 'ACTIVE_POWER', '2006-12-16T17:24:00Z', 4.216]),
      unitAbsent,
    ]);
    expect(metricAvroSerde.serialize(metric).equals(byHand)).toBe(true);
    // Branch 1 (zigzag 2) then the string: a reading sent in watts.
    const inWatts = Buffer.concat([
      handWrittenAvro(['0', 'ELECTRICITY', 'ACTIVE_POWER', '2006-12-16T17:24:00Z', 4216]),
      Buffer.from([2]),
      handWrittenAvro(['W']),
    ]);
    expect(metricAvroSerde.serialize({ ...metric, value: 4216, unit: 'W' }).equals(inWatts)).toBe(true);
    expect(metricAvroSerde.deserialize(inWatts)).toEqual({ ...metric, value: 4216, unit: 'W' });
  });

  it('keeps millisecond precision when there is one', () => {
    const precise = { ...metric, timestamp: metric.timestamp + 123 };
    expect(JSON.parse(metricJsonSerde.serialize(precise).toString()).timestamp).toBe(
      '2006-12-16T17:24:00.123Z',
    );
    expect(metricJsonSerde.deserialize(metricJsonSerde.serialize(precise))).toEqual(precise);
  });

  it('refuses to serialize a non-finite value', () => {
    expect(() => metricJsonSerde.serialize({ ...metric, value: Number.NaN })).toThrow(/finite/);
  });
});

describe('MetricReading serdes (timestamp and value of a Metric payload)', () => {
  const metricType = avro.Type.forSchema(
    JSON.parse(readFileSync(new URL('../schemas/metric.avsc', import.meta.url), 'utf8')),
  );
  const wire = (fields: Record<string, unknown>) =>
    metricType.toBuffer({
      gateway: '0',
      metricType: 'ELECTRICITY',
      metricAttribute: 'ACTIVE_POWER',
      timestamp: '2006-12-16T17:24:00.250Z',
      value: 2.5,
      ...fields,
    });

  it('Avro: reads timestamp and value of full Metric payloads through the projection schema', () => {
    expect(metricReadingAvroSerde.deserialize(metricAvroSerde.serialize(metric))).toEqual({
      timestamp: metric.timestamp,
      value: metric.value,
    });
    // The identity fields are skipped, not read: values the full reader refuses do not matter here.
    const foreign = wire({ gateway: '', metricType: 'STEAM', metricAttribute: 'é'.repeat(300) });
    expect(() => metricAvroSerde.deserialize(foreign)).toThrow(DeserializationError);
    expect(metricReadingAvroSerde.deserialize(foreign)).toEqual({
      timestamp: Date.UTC(2006, 11, 16, 17, 24, 0, 250),
      value: 2.5,
    });
  });

  it('Avro: bad timestamps, non-finite values, truncated or trailing bytes are DeserializationErrors', () => {
    const where = { topic: 'metrics', partition: 0, offset: 5 };
    const bytes = wire({});
    const cases: [Buffer, RegExp][] = [
      [wire({ timestamp: 'yesterday' }), /not an ISO-8601 instant.*offset 5/],
      [wire({ value: Number.POSITIVE_INFINITY }), /"value" must be finite/],
      [bytes.subarray(0, bytes.length - 1), /invalid Avro binary: truncated/],
      [bytes.subarray(0, 20), /invalid Avro binary/],
      // cut inside the timestamp string (the last 8 bytes are the double, before them the 24-char text)
      [bytes.subarray(0, bytes.length - 8 - 10), /invalid Avro binary: truncated buffer/],
      [Buffer.concat([bytes, Buffer.from([0])]), /invalid Avro binary: trailing data/],
    ];
    for (const [data, message] of cases) {
      expect(() => metricReadingAvroSerde.deserialize(data, where)).toThrow(DeserializationError);
      expect(() => metricReadingAvroSerde.deserialize(data, where)).toThrow(message);
    }
  });

  it('Avro: the decoded record is the reading (the iso-instant logical type parsed the timestamp)', () => {
    const reading = metricReadingAvroSerde.deserialize(wire({ timestamp: '2012-04-01T07:00:00+02:00' }));
    expect(reading.timestamp).toBe(Date.UTC(2012, 3, 1, 5));
    // The projection's quality stage fields, null by default on a raw Metric, read as absent.
    expect(Object.keys(reading)).toEqual(['timestamp', 'value', 'quality', 'estimated', 'gapFrom']);
    const flags = reading as { quality?: number; estimated?: boolean };
    expect([flags.quality, flags.estimated]).toEqual([undefined, undefined]);
  });

  it('Avro: a metrics-clean payload (metric-clean.avsc) read through the projection keeps quality and estimated', () => {
    const clean = avroProjectionSerde(
      METRIC_CLEAN_AVRO_SCHEMA,
      METRIC_READING_AVRO_SCHEMA,
      metricReadingFromProjection,
      {
        logicalTypes: ISO_INSTANT_LOGICAL_TYPES,
      },
    );
    const bytes = avro.Type.forSchema(METRIC_CLEAN_AVRO_SCHEMA as avro.Schema).toBuffer({
      gateway: '1',
      metricType: 'ELECTRICITY',
      metricAttribute: 'ACTIVE_POWER',
      timestamp: '2012-04-01T00:02:00Z',
      value: 2.5,
      unit: 'kW',
      quality: 8,
      estimated: true,
    });
    expect(clean.deserialize(bytes)).toEqual({
      timestamp: Date.UTC(2012, 3, 1, 0, 2),
      value: 2.5,
      quality: 8,
      estimated: true,
    }); // A LONG_GAP reading carries where its gap began, parsed like the timestamp.
    const afterGap = avro.Type.forSchema(METRIC_CLEAN_AVRO_SCHEMA as avro.Schema).toBuffer({
      gateway: '1',
      metricType: 'ELECTRICITY',
      metricAttribute: 'ACTIVE_POWER',
      timestamp: '2012-04-01T02:02:00Z',
      value: 2.5,
      unit: 'kW',
      quality: 256,
      estimated: false,
      gapFrom: '2012-04-01T00:02:00Z',
    });
    expect(clean.deserialize(afterGap)).toMatchObject({ quality: 256, gapFrom: Date.UTC(2012, 3, 1, 0, 2) });
  });

  it('Avro: only reads (the projection cannot write a Metric)', () => {
    expect(() => metricReadingAvroSerde.serialize({ timestamp: 0, value: 1 })).toThrow(/only reads/);
  });

  it('JSON: reads full Metric payloads, round-trips readings, names missing fields', () => {
    expect(metricReadingJsonSerde.deserialize(metricJsonSerde.serialize(metric))).toEqual({
      timestamp: metric.timestamp,
      value: metric.value,
    });
    const reading = { timestamp: Date.UTC(2012, 3, 1), value: -3 };
    expect(metricReadingJsonSerde.deserialize(metricReadingJsonSerde.serialize(reading))).toEqual(reading);
    expect(() => metricReadingJsonSerde.deserialize(Buffer.from('{"value":1}'))).toThrow(
      /missing field "timestamp"/,
    );
  });
});

describe('AggregateMetric serdes', () => {
  it('JSON and Avro round trips', () => {
    expect(aggregateJsonSerde.deserialize(aggregateJsonSerde.serialize(aggregate))).toEqual(aggregate);
    expect(aggregateAvroSerde.deserialize(aggregateAvroSerde.serialize(aggregate))).toEqual(aggregate);
    const wire = JSON.parse(aggregateJsonSerde.serialize(aggregate).toString());
    expect(wire).toMatchObject({
      windowStart: '2006-12-16T17:00:00Z',
      windowEnd: '2006-12-16T18:00:00Z',
      sampleCount: 3,
    });
  });

  it("Avro carries the quality fields and an all-flagged window's missing peak (max null), as JSON does", () => {
    const flagged = {
      ...aggregate,
      max: Number.NEGATIVE_INFINITY,
      flaggedCount: aggregate.sampleCount,
      estimatedCount: 1,
      incomplete: true,
    };
    for (const serde of [aggregateAvroSerde, aggregateJsonSerde])
      expect(serde.deserialize(serde.serialize(flagged)), serde.format).toEqual(flagged);
    // A max of null is only an all-flagged window's: otherwise the reader refuses it.
    const wrong = { ...flagged, flaggedCount: aggregate.sampleCount - 1 };
    expect(() => aggregateAvroSerde.deserialize(aggregateAvroSerde.serialize(wrong))).toThrow(/max/);
  });

  it('refuses to serialize the empty aggregate', () => {
    expect(() => aggregateJsonSerde.serialize(emptyAggregate(metric, 0, 1))).toThrow(/empty aggregate/);
  });
});

describe('bad payloads raise DeserializationError naming what and where', () => {
  const source = { topic: 'metrics', partition: 2, offset: '42' };
  const wire = {
    gateway: '0',
    metricType: 'ELECTRICITY',
    metricAttribute: 'ACTIVE_POWER',
    timestamp: '2006-12-16T17:24:00Z',
    value: 1,
  };
  const json = (object: unknown) => Buffer.from(typeof object === 'string' ? object : JSON.stringify(object));
  const avroType = avro.Type.forSchema(
    JSON.parse(readFileSync(new URL('../schemas/metric.avsc', import.meta.url), 'utf8')),
  );

  const cases: [string, () => unknown, RegExp][] = [
    [
      'truncated Avro',
      () => metricAvroSerde.deserialize(metricAvroSerde.serialize(metric).subarray(0, 10), source),
      /invalid Avro/,
    ],
    ['empty Avro', () => metricAvroSerde.deserialize(Buffer.alloc(0), source), /invalid Avro/],
    ['invalid JSON', () => metricJsonSerde.deserialize(json('{"gateway": "0",'), source), /invalid JSON/],
    ['JSON array', () => metricJsonSerde.deserialize(json('[1,2]'), source), /expected an object/],
    [
      'unknown enum value (JSON)',
      () => metricJsonSerde.deserialize(json({ ...wire, metricType: 'STEAM' }), source),
      /unknown metricType "STEAM"/,
    ],
    [
      'unknown enum value (Avro)',
      () => metricAvroSerde.deserialize(avroType.toBuffer({ ...wire, metricAttribute: 'POWER' }), source),
      /unknown metricAttribute "POWER"/,
    ],
    [
      'missing field',
      () => metricJsonSerde.deserialize(json({ ...wire, value: undefined }), source),
      /missing field "value"/,
    ],
    [
      'wrong field type',
      () => metricJsonSerde.deserialize(json({ ...wire, value: '1.5' }), source),
      /"value" must be a number/,
    ],
    [
      'non-finite number (JSON overflow)',
      () =>
        metricJsonSerde.deserialize(
          json(
            '{"gateway":"0","metricType":"GAS","metricAttribute":"GAS_IDD","timestamp":"2006-12-16T17:24:00Z","value":1e999}',
          ),
          source,
        ),
      /must be finite/,
    ],
    [
      'non-finite number (Avro NaN)',
      () => metricAvroSerde.deserialize(avroType.toBuffer({ ...wire, value: Number.NaN }), source),
      /must be finite/,
    ],
    [
      'bad timestamp',
      () => metricJsonSerde.deserialize(json({ ...wire, timestamp: '16/12/2006 17:24' }), source),
      /not an ISO-8601 instant/,
    ],
    [
      'timestamp without zone',
      () => metricJsonSerde.deserialize(json({ ...wire, timestamp: '2006-12-16T17:24:00' }), source),
      /not an ISO-8601 instant/,
    ],
    [
      'impossible date',
      () => metricJsonSerde.deserialize(json({ ...wire, timestamp: '2006-02-30T00:00:00Z' }), source),
      /not a valid calendar date/,
    ],
    [
      'aggregate with zero samples',
      () =>
        aggregateJsonSerde.deserialize(
          json({
            ...wire,
            windowStart: wire.timestamp,
            windowEnd: '2006-12-16T17:25:00Z',
            sampleCount: 0,
            sum: 0,
            min: 0,
            max: 0,
            average: 0,
          }),
          source,
        ),
      /sampleCount/,
    ],
  ];

  it.each(cases)('%s', (_name, run, reason) => {
    let error: unknown;
    try {
      run();
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(DeserializationError);
    const message = (error as Error).message;
    expect(message).toMatch(reason);
    expect(message).toContain('topic metrics, partition 2, offset 42');
    expect((error as DeserializationError).toHeaders()).toMatchObject({
      'error.topic': 'metrics',
      'error.offset': '42',
    });
  });
});

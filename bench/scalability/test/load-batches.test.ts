import avro from 'avsc';
import { describe, expect, it } from 'vitest';
import { decodeRecords, validateBatches } from '../../../modules/broker/src/log/record-batch.js';
import { METRIC_AVRO_SCHEMA } from '../../../modules/common/src/avro-schemas.js';
import { PartitionBatchWriter, recordTails } from '../batch-writer.js';
import {
  ACTIVE_POWER_AVRO_SCHEMA,
  VALUE_FORMATS,
  type ValueFormat,
  buildTemplates,
  sensorKey,
} from '../value-formats.js';

const T0 = Date.UTC(2026, 11, 4, 14, 0, 0, 0);

function decodeValue(format: ValueFormat, value: Buffer): { identity: string; timestampMs: number } {
  switch (format) {
    case 'theodolite-json': {
      const v = JSON.parse(value.toString()) as { identifier: string; timestamp: number };
      return { identity: v.identifier, timestampMs: v.timestamp };
    }
    case 'metric-json': {
      const v = JSON.parse(value.toString()) as { gateway: string; timestamp: string };
      return { identity: v.gateway, timestampMs: Date.parse(v.timestamp) };
    }
    case 'theodolite-avro': {
      const v = avro.Type.forSchema(ACTIVE_POWER_AVRO_SCHEMA as unknown as avro.Schema).fromBuffer(
        value.subarray(5),
      );
      return { identity: v.identifier as string, timestampMs: Number(v.timestamp) };
    }
    case 'metric-avro': {
      const v = avro.Type.forSchema(METRIC_AVRO_SCHEMA as unknown as avro.Schema).fromBuffer(
        value.subarray(5),
      );
      return { identity: v.gateway as string, timestampMs: Date.parse(v.timestamp as string) };
    }
  }
}

describe('load generator batches', () => {
  for (const format of VALUE_FORMATS) {
    it(`${format}: a batch the broker accepts, each record stamped with the tick's time`, () => {
      const templates = buildTemplates(format, 200, T0, 42);
      const tails = recordTails(templates);
      const writer = new PartitionBatchWriter(256); // small: the writer must grow
      const sensors = [0, 7, 199, 3, 150];
      // Two ticks through the same writer: the second must not carry anything of the first.
      for (const tick of [T0 + 10, T0 + 123_456]) {
        for (const i of sensors) writer.append(tails[i]!);
        const batch = writer.finish(tick, templates.stamp(tick));
        const [info] = validateBatches(batch, 'test'); // lengths, magic and CRC as the broker checks them
        expect(info!.recordCount).toBe(sensors.length);
        expect(batch.readBigInt64BE(27)).toBe(BigInt(tick));
        const records = decodeRecords(batch)!;
        expect(records.map((r) => r.offsetDelta)).toEqual([0, 1, 2, 3, 4]);
        expect(records.map((r) => r.key!.toString())).toEqual(sensors.map((i) => sensorKey(format, i)));
        for (const [n, r] of records.entries()) {
          if (format.endsWith('avro')) expect(r.value!.readInt32BE(1)).toBe(42); // registry schema id
          const decoded = decodeValue(format, r.value!);
          expect(decoded.timestampMs).toBe(tick);
          expect(sensorKey(format, sensors[n]!).startsWith(decoded.identity)).toBe(true);
        }
      }
    });
  }

  it('refuses a timestamp that would change the templates’ width', () => {
    const templates = buildTemplates('theodolite-json', 1, T0);
    expect(() => templates.stamp(99_999_999_999_999)).toThrow(/changed width/);
  });
});

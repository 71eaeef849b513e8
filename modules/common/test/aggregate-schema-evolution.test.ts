import { readFileSync } from 'node:fs';
import avro from 'avsc';
import { describe, expect, it } from 'vitest';
import { AGGREGATE_METRIC_AVRO_SCHEMA, type AggregateMetric, aggregateRegistrySerde } from '../src/index.js';
import { useTestRegistry } from './helpers/test-registry.js';

/**
 * AggregateMetric version 2 (issue #21): max may be null (an all-flagged window has no peak) and
 * estimatedCount, flaggedCount, incomplete (and later an optional gapFrom) were added with defaults. fixtures/aggregate-metric-v1.avsc
 * is version 1 as it was. The registry's own BACKWARD check must accept version 2, and aggregates
 * written with version 1 must still be read.
 */
const V1 = readFileSync(new URL('./fixtures/aggregate-metric-v1.avsc', import.meta.url), 'utf8');

const registry = useTestRegistry('ms-aggregate-evolution-');
const post = registry.post;

const v1Aggregate: AggregateMetric = {
  gateway: '7',
  metricType: 'ELECTRICITY',
  metricAttribute: 'ACTIVE_POWER',
  windowStart: Date.UTC(2012, 3, 1),
  windowEnd: Date.UTC(2012, 3, 1, 0, 1),
  sampleCount: 2,
  sum: 3,
  min: 1,
  max: 2,
  average: 1.5,
};

describe('AggregateMetric schema evolution: nullable max and quality fields', () => {
  it('the registry finds version 2 BACKWARD compatible with version 1', async () => {
    await post('/subjects/aggregate-evolution-value/versions', { schema: V1 });
    const check = await post(
      '/compatibility/subjects/aggregate-evolution-value/versions/latest?verbose=true',
      {
        schema: JSON.stringify(AGGREGATE_METRIC_AVRO_SCHEMA),
      },
    );
    expect(check).toEqual({ is_compatible: true, messages: [] });
    // The check can refuse: a version-1 reader cannot read a null max, so FORWARD (old readers of
    // new data) fails — consumers must be upgraded before the producers.
    expect(await registry.put('/config/aggregate-evolution-value', { compatibility: 'FORWARD' })).toBe(200);
    const forward = await post('/compatibility/subjects/aggregate-evolution-value/versions/latest', {
      schema: JSON.stringify(AGGREGATE_METRIC_AVRO_SCHEMA),
    });
    expect(forward).toEqual({ is_compatible: false });
  });

  it('aggregates written with version 1 are read with no quality fields; version 2 ones with them', async () => {
    const v1 = (await post('/subjects/aggregate-read-value/versions', { schema: V1 })) as { id: number };
    const v1Bytes = Buffer.concat([
      Buffer.from([0, 0, 0, 0, 0]),
      avro.Type.forSchema(JSON.parse(V1) as avro.Schema).toBuffer({
        ...v1Aggregate,
        windowStart: '2012-04-01T00:00:00Z',
        windowEnd: '2012-04-01T00:01:00Z',
      }),
    ]);
    v1Bytes.writeInt32BE(v1.id, 1);
    const serde = aggregateRegistrySerde({ url: registry.url, subject: 'aggregate-read-value' });
    const allFlagged = {
      ...v1Aggregate,
      max: Number.NEGATIVE_INFINITY,
      flaggedCount: 2,
      incomplete: true,
      gapFrom: Date.UTC(2012, 2, 31, 22),
    };
    const v2Bytes = await serde.serialize(allFlagged);
    expect(v2Bytes.readInt32BE(1)).not.toBe(v1.id);
    expect(await serde.deserialize(v1Bytes)).toEqual(v1Aggregate);
    expect(await serde.deserialize(v2Bytes)).toEqual(allFlagged);
  });
});

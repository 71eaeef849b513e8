import { readFileSync } from 'node:fs';
import avro from 'avsc';
import { describe, expect, it } from 'vitest';
import {
  METRIC_AVRO_SCHEMA,
  type Metric,
  createSchemaRegistry,
  metricRegistrySerde,
  metricSyncRegistryReader,
  syncRegistryReader,
} from '../src/index.js';
import { useTestRegistry } from './helpers/test-registry.js';

/**
 * The `unit` field was added to Metric after its first version (fixtures/metric-v1.avsc is that
 * version, kept as it was). The Schema Registry's own BACKWARD check must accept the new schema,
 * and records written with the old one must still be read — with no unit.
 */
const V1 = readFileSync(new URL('./fixtures/metric-v1.avsc', import.meta.url), 'utf8');

const registry = useTestRegistry('ms-evolution-');
const post = registry.post;

const old: Metric = {
  gateway: '7',
  metricType: 'ELECTRICITY',
  metricAttribute: 'ACTIVE_POWER',
  timestamp: Date.UTC(2012, 3, 1, 0, 1),
  value: 1.25,
};

describe('Metric schema evolution: optional unit (default null)', () => {
  it('the registry finds the new schema BACKWARD compatible with v1; a unit without a default it refuses', async () => {
    const v1 = (await post('/subjects/evolution-value/versions', { schema: V1 })) as { id: number };
    expect(v1.id).toBeGreaterThan(0);
    const check = await post('/compatibility/subjects/evolution-value/versions/latest?verbose=true', {
      schema: JSON.stringify(METRIC_AVRO_SCHEMA),
    });
    expect(check).toEqual({ is_compatible: true, messages: [] });
    // The check can fail: the same field without its default cannot read v1 records.
    const withoutDefault = JSON.parse(JSON.stringify(METRIC_AVRO_SCHEMA)) as { fields: { name: string }[] };
    const unit = withoutDefault.fields.find((f) => f.name === 'unit') as Record<string, unknown>;
    delete unit.default;
    const refused = await post('/compatibility/subjects/evolution-value/versions/latest', {
      schema: JSON.stringify(withoutDefault),
    });
    expect(refused).toEqual({ is_compatible: false });
  });

  it('records written with v1 are read by the reader of the new schema, with no unit; new ones carry it', async () => {
    const url = registry.url;
    const v1 = (await post('/subjects/evolution-read-value/versions', { schema: V1 })) as { id: number };
    const v1Bytes = Buffer.concat([
      Buffer.from([0, 0, 0, 0, 0]),
      avro.Type.forSchema(JSON.parse(V1) as avro.Schema).toBuffer({
        ...old,
        timestamp: '2012-04-01T00:01:00Z',
      }),
    ]);
    v1Bytes.writeInt32BE(v1.id, 1);
    const newSerde = metricRegistrySerde({ url, subject: 'evolution-read-value' });
    const v2Bytes = await newSerde.serialize({ ...old, value: 1250, unit: 'W' });
    expect(v2Bytes.readInt32BE(1)).not.toBe(v1.id);

    // Resolving each writer schema against the new one as reader: v1 records get the default.
    const resolving = syncRegistryReader(
      createSchemaRegistry(url),
      'Metric',
      (decoded) => decoded as Record<string, unknown>,
      METRIC_AVRO_SCHEMA,
    );
    await resolving.prefetch([v1Bytes, v2Bytes]);
    expect(resolving.deserialize(v1Bytes)).toMatchObject({ value: 1.25, unit: null });
    expect(resolving.deserialize(v2Bytes)).toMatchObject({ value: 1250, unit: 'W' });

    // The pipeline's reader (writer schema as is) reads both.
    const reader = metricSyncRegistryReader(createSchemaRegistry(url));
    await reader.prefetch([v1Bytes, v2Bytes]);
    expect(reader.deserialize(v1Bytes)).toEqual(old);
    expect(reader.deserialize(v2Bytes)).toEqual({ ...old, value: 1250, unit: 'W' });
  });
});

import { describe, expect, it } from 'vitest';
import { testEngine } from './helpers.js';

async function keySchema(withClause: string): Promise<Record<string, unknown>> {
  const { engine, schemaRegistry } = testEngine({ topics: { s: 1 } });
  await engine.execute(
    "CREATE STREAM S (K STRUCT<A INT, B STRING> KEY, V INT) WITH (kafka_topic='s', format='AVRO');",
  );
  await engine.execute(`CREATE STREAM PER_KEY_OUT ${withClause} AS SELECT * FROM S;`);
  const latest = await schemaRegistry.latest('PER_KEY_OUT-key');
  if (!latest) throw new Error('no key schema registered');
  return JSON.parse(latest.schema.schema) as Record<string, unknown>;
}

describe('AVRO key schema of a CREATE … AS sink', () => {
  it('names the key record after the sink (<UpperCamelName>Key)', async () => {
    const schema = await keySchema('');
    expect(schema.name).toBe('PerKeyOutKey');
    expect(schema.namespace).toBe('io.confluent.ksql.avro_schemas');
  });

  it('uses KEY_SCHEMA_FULL_NAME when given', async () => {
    const schema = await keySchema("WITH (KEY_SCHEMA_FULL_NAME='com.example.MyKey')");
    expect(`${schema.namespace}.${schema.name}`).toBe('com.example.MyKey');
  });
});

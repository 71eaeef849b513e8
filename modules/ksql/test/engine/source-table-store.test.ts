import { describe, expect, it } from 'vitest';
import { createdQuery, driverFor, output, parseJson, testEngine } from './helpers.js';

/** Confluent framing: magic byte 0, the schema id, then the body. */
function framed(id: number, body: Buffer): Buffer {
  const header = Buffer.alloc(5);
  header.writeInt32BE(id, 1);
  return Buffer.concat([header, body]);
}

describe('a source table in a Schema Registry key format', () => {
  it('stores its rows under its own changelog subject when the topic subject holds another key schema', async () => {
    const { engine, schemaRegistry } = testEngine({ topics: { t: 1 } });
    // The producer registered a non-null integer key schema; the table derives a nullable one for
    // its INT key. Reading works with the writer's schema, but the table's store must not serialize
    // keys under the source topic's subject, which holds the producer's schema (a crash before).
    const writerSchema = JSON.stringify({ type: 'integer', 'connect.type': 'int32' });
    const id = await schemaRegistry.register('t-key', { schemaType: 'JSON', schema: writerSchema });
    const results = await engine.execute(`
      CREATE TABLE T (ID INT PRIMARY KEY, V STRING) WITH (KAFKA_TOPIC='t', KEY_FORMAT='JSON_SR', VALUE_FORMAT='JSON');
      CREATE TABLE OUT AS SELECT * FROM T;`);
    const query = createdQuery(results);
    const key = framed(id, Buffer.from('7'));
    await query.prefetch?.('t', 'key', [key]);
    const driver = driverFor(query);
    driver.pipeSerialized('t', key, Buffer.from('{"V":"seven"}'), 5, []);
    const out = output(driver, 'OUT');
    expect(out.map((r) => parseJson(r.value))).toEqual([{ V: 'seven' }]);
    const changelog = (await schemaRegistry.latest(`${query.applicationId}-KsqlTopic-Reduce-changelog-key`))
      ?.schema;
    expect(changelog?.schema).toBeDefined();
    expect(changelog?.schema).not.toBe(writerSchema);
    driver.close();
  });
});

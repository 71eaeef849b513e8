import { describe, expect, it } from 'vitest';
import type { DeserializationFailure } from '../../src/engine/processing-log.js';
import { createdQuery, driverFor, json, output, parseJson, testEngine } from './helpers.js';

describe("a query's processing log", () => {
  it('tells the attached listener of each source record it skips, and nothing once detached', async () => {
    const { engine } = testEngine({ topics: { input: 1 } });
    await engine.execute(
      "CREATE STREAM INPUT (ID INT KEY, V INT) WITH (kafka_topic='input', value_format='JSON');",
    );
    const query = createdQuery(await engine.execute('CREATE STREAM OUT AS SELECT * FROM INPUT;'));
    const failures: DeserializationFailure[] = [];
    query.processingLog?.attach((f) => failures.push(f));
    const driver = driverFor(query);
    const input = driver.createInputTopic<Buffer, Buffer>('input');
    input.pipeInput(null, Buffer.from('{not json'), 1);
    input.pipeInput(null, json({ V: 7 }), 2);
    expect(failures).toHaveLength(1);
    const [f] = failures;
    expect(f?.logger).toBe(`processing.${query.id}.KsqlTopic.Deserializer`);
    expect(f?.topic).toBe('input');
    expect(f?.target).toBe('value');
    expect(f?.bytes?.toString()).toBe('{not json');
    expect(f?.error).toBeInstanceOf(Error);
    // The bad record is skipped; the good one goes on.
    expect(output(driver, 'OUT').map((r) => parseJson(r.value))).toEqual([{ V: 7 }]);

    query.processingLog?.attach(undefined);
    input.pipeInput(null, Buffer.from('also bad'), 3);
    expect(failures).toHaveLength(1);
    driver.close();
  });
});

import { describe, expect, it } from 'vitest';
import { testEngine } from '../engine/helpers.js';

describe('SELECT * over joined sources', () => {
  it('lists a windowed source’s key, then WINDOWSTART and WINDOWEND, then its value columns', async () => {
    const { engine } = testEngine({ topics: { a: 1, b: 1 } });
    await engine.execute(`
      CREATE STREAM A (ID INT KEY, V BIGINT) WITH (KAFKA_TOPIC='a', VALUE_FORMAT='JSON', WINDOW_TYPE='TUMBLING', WINDOW_SIZE='5 SECONDS');
      CREATE STREAM B (ID INT KEY, W STRING) WITH (KAFKA_TOPIC='b', VALUE_FORMAT='JSON', WINDOW_TYPE='TUMBLING', WINDOW_SIZE='5 SECONDS');
      CREATE STREAM OUT AS SELECT * FROM A JOIN B WITHIN 1 MINUTE ON A.ID = B.ID;`);
    expect(
      engine
        .source('OUT')
        ?.schema.columns()
        .map((c) => `${c.name} ${c.namespace}`),
    ).toEqual([
      'A_ID KEY',
      'A_WINDOWSTART VALUE',
      'A_WINDOWEND VALUE',
      'A_V VALUE',
      'B_ID VALUE',
      'B_WINDOWSTART VALUE',
      'B_WINDOWEND VALUE',
      'B_W VALUE',
    ]);
  });

  it('lists no window bounds and no pseudo-columns for non-windowed sources', async () => {
    const { engine } = testEngine({ topics: { a: 1, b: 1 } });
    await engine.execute(`
      CREATE STREAM A (ID INT KEY, V BIGINT) WITH (KAFKA_TOPIC='a', VALUE_FORMAT='JSON');
      CREATE TABLE B (ID INT PRIMARY KEY, W STRING) WITH (KAFKA_TOPIC='b', VALUE_FORMAT='JSON');
      CREATE STREAM OUT AS SELECT * FROM A JOIN B ON A.ID = B.ID;`);
    expect(
      engine
        .source('OUT')
        ?.schema.columns()
        .map((c) => c.name),
    ).toEqual(['A_ID', 'A_V', 'B_ID', 'B_W']);
  });
});

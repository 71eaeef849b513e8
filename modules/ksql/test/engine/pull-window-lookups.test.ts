import { describe, expect, it } from 'vitest';
import type { StatementResult } from '../../src/engine/engine-api.js';
import { executePullQuery, type PullQueryPlan, type PullStore } from '../../src/engine/pull-query.js';
import { createdQuery, driverFor, json, testEngine } from './helpers.js';

function pullPlan(results: readonly StatementResult[]): PullQueryPlan {
  const last = results[results.length - 1];
  if (last?.kind !== 'TransientQuery') throw new Error(`expected TransientQuery, got ${last?.kind}`);
  return last.query as PullQueryPlan;
}

/** A windowed CTAS fed 3 gateways × 4 one-second windows (gateway g has g+1 records per window). */
async function perWindow() {
  const { engine } = testEngine({ topics: { metrics: 1 } });
  await engine.execute(
    "CREATE STREAM METRICS (ID STRING KEY, GATEWAY STRING, V DOUBLE) WITH (kafka_topic='metrics', value_format='JSON');",
  );
  const query = createdQuery(
    await engine.execute(
      'CREATE TABLE PER_WINDOW AS SELECT GATEWAY, COUNT(*) AS N FROM METRICS WINDOW TUMBLING (SIZE 1 SECOND) GROUP BY GATEWAY;',
    ),
  );
  const driver = driverFor(query);
  const input = driver.createInputTopic<Buffer, Buffer>('metrics');
  for (let w = 0; w < 4; w++)
    for (let g = 0; g < 3; g++)
      for (let n = 0; n <= g; n++)
        input.pipeInput(Buffer.from('k'), json({ GATEWAY: String(g), V: 1 }), w * 1000 + n);
  return { engine, driver };
}

/** The driver's store, with every read counted and `all` (a whole-store scan) refused. */
function rangeOnly(plan: PullQueryPlan, driver: { getStateStore(name: string): unknown }) {
  const store = driver.getStateStore(plan.storeName) as PullStore;
  const reads = { get: 0, range: 0 };
  const counted: PullStore = {
    get: (k) => {
      reads.get++;
      return store.get(k);
    },
    range: (from, to) => {
      reads.range++;
      return store.range(from, to);
    },
    all: () => {
      throw new Error('a key lookup scanned the whole store');
    },
  };
  return { rows: plan.execute(counted), reads };
}

describe('pull key lookups on a windowed table', () => {
  it("reads the key's windows with one key-range read, no scan", async () => {
    const { engine, driver } = await perWindow();
    const plan = pullPlan(await engine.execute("SELECT * FROM PER_WINDOW WHERE GATEWAY = '1';"));
    expect(plan.keys).toEqual([['1']]);
    const { rows, reads } = rangeOnly(plan, driver);
    expect(rows).toEqual([
      ['1', 0, 1000, 2],
      ['1', 1000, 2000, 2],
      ['1', 2000, 3000, 2],
      ['1', 3000, 4000, 2],
    ]);
    expect(reads).toEqual({ get: 0, range: 1 });
    driver.close();
  });

  it('narrows the range to the WINDOWSTART bounds of the WHERE (>=, >, <, <=, =, BETWEEN, either side)', async () => {
    const { engine, driver } = await perWindow();
    const cases: [string, number, number, number[]][] = [
      ['WINDOWSTART >= 1000', 1000, Number.MAX_SAFE_INTEGER, [1000, 2000, 3000]],
      ['WINDOWSTART > 1000', 1001, Number.MAX_SAFE_INTEGER, [2000, 3000]],
      ['WINDOWSTART < 2000', 0, 1999, [0, 1000]],
      ['2000 >= WINDOWSTART AND WINDOWSTART > 0', 1, 2000, [1000, 2000]],
      ['WINDOWSTART = 3000', 3000, 3000, [3000]],
      ['WINDOWSTART BETWEEN 1000 AND 2000', 1000, 2000, [1000, 2000]],
    ];
    for (const [bound, from, to, starts] of cases) {
      const plan = pullPlan(
        await engine.execute(`SELECT * FROM PER_WINDOW WHERE GATEWAY = '2' AND ${bound};`),
      );
      expect(plan.windowStarts, bound).toEqual({ from, to });
      const { rows, reads } = rangeOnly(plan, driver);
      expect(
        rows.map((r) => r[1]),
        bound,
      ).toEqual(starts);
      expect(rows.every((r) => r[0] === '2' && r[3] === 3)).toBe(true);
      expect(reads.range).toBe(1);
    }
    driver.close();
  });

  it('reads nothing when the bounds exclude each other, and each key of an IN list once', async () => {
    const { engine, driver } = await perWindow();
    const none = pullPlan(
      await engine.execute(
        "SELECT * FROM PER_WINDOW WHERE GATEWAY = '0' AND WINDOWSTART > 2000 AND WINDOWSTART < 1000;",
      ),
    );
    expect(rangeOnly(none, driver)).toEqual({ rows: [], reads: { get: 0, range: 0 } });
    const both = pullPlan(
      await engine.execute(
        "SELECT GATEWAY, N FROM PER_WINDOW WHERE GATEWAY IN ('0', '2', 'x') AND WINDOWSTART = 0;",
      ),
    );
    const { rows, reads } = rangeOnly(both, driver);
    expect(rows).toEqual([
      ['0', 1],
      ['2', 3],
    ]);
    expect(reads).toEqual({ get: 0, range: 3 });
    driver.close();
  });

  it('applies the rest of the WHERE and LIMIT to the windows read; a scan still reads every key', async () => {
    const { engine, driver } = await perWindow();
    const limited = pullPlan(
      await engine.execute(
        "SELECT WINDOWSTART FROM PER_WINDOW WHERE GATEWAY = '1' AND WINDOWEND <> 2000 LIMIT 2;",
      ),
    );
    expect(executePullQuery(limited, driver)).toEqual([[0], [2000]]);
    const scan = pullPlan(
      await engine.execute('SELECT GATEWAY, WINDOWSTART FROM PER_WINDOW WHERE WINDOWSTART = 1000;'),
    );
    expect(scan.keys).toBeUndefined();
    expect(
      executePullQuery(scan, driver)
        .map((r) => r[0])
        .sort(),
    ).toEqual(['0', '1', '2']);
    driver.close();
  });
});

describe('pull key lookups on a non-windowed table', () => {
  it('are one get per key, no scan', async () => {
    const { engine } = testEngine({ topics: { metrics: 1 } });
    await engine.execute(
      "CREATE STREAM METRICS (ID STRING KEY, GATEWAY STRING, V DOUBLE) WITH (kafka_topic='metrics', value_format='JSON');",
    );
    const query = createdQuery(
      await engine.execute(
        'CREATE TABLE LAST AS SELECT GATEWAY, LATEST_BY_OFFSET(V) AS V FROM METRICS GROUP BY GATEWAY;',
      ),
    );
    const driver = driverFor(query);
    const input = driver.createInputTopic<Buffer, Buffer>('metrics');
    for (let i = 0; i < 20; i++) input.pipeInput(Buffer.from('k'), json({ GATEWAY: String(i % 5), V: i }), i);
    const plan = pullPlan(await engine.execute("SELECT * FROM LAST WHERE GATEWAY IN ('3', '4');"));
    const { rows, reads } = rangeOnly(plan, driver);
    expect(rows).toEqual([
      ['3', 18],
      ['4', 19],
    ]);
    expect(reads).toEqual({ get: 2, range: 0 });
    driver.close();
  });
});

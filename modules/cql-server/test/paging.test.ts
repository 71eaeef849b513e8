import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Fixture, cassandra, createKeyspace, startFixture } from './helpers/fixture.js';

describe('result paging', () => {
  let f: Fixture;
  const N = 10_000;
  beforeAll(async () => {
    f = await startFixture('paging');
    await createKeyspace(f.client, 'pg');
    await f.client.execute(
      'CREATE TABLE pg.series (sensor text, day int, ts bigint, value double, PRIMARY KEY ((sensor, day), ts)) ' +
        'WITH CLUSTERING ORDER BY (ts DESC)',
    );
    const params: unknown[][] = [];
    // Shuffled insertion order: the partition must still come back sorted by the DESC clustering key.
    for (let i = 0; i < N; i++) params.push(['s1', 1, (i * 7919) % N, i / 2]);
    await cassandra.concurrent.executeConcurrent(
      f.client,
      'INSERT INTO pg.series (sensor, day, ts, value) VALUES (?, ?, ?, ?)',
      params,
      { concurrencyLevel: 64 },
    );
  });
  afterAll(async () => f?.stop());

  it('pages through 10k rows of one partition page by page, in DESC clustering order', async () => {
    const seen: number[] = [];
    let pages = 0;
    seen.push(
      ...(await collect(
        f.client,
        'SELECT ts FROM pg.series WHERE sensor = ? AND day = ?',
        ['s1', 1],
        1000,
        () => pages++,
      )),
    );
    expect(seen).toHaveLength(N);
    expect(pages).toBe(10);
    for (let i = 0; i < N; i++) expect(seen[i]).toBe(N - 1 - i);
  });

  it('made the 10k concurrent inserts durable with group commit (fewer fsyncs than writes)', async () => {
    const json = await f.server.metrics.getMetricsAsJSON();
    const value = (name: string, suffix?: string) => {
      const m = json.find((x) => x.name === name) as { values: { value: number; metricName?: string }[] };
      return m.values
        .filter((v) => !suffix || v.metricName === `${name}${suffix}`)
        .reduce((n, v) => n + v.value, 0);
    };
    const records = value('cql_commitlog_records_per_fsync', '_sum');
    const fsyncs = value('cql_commitlog_fsyncs_total');
    expect(records).toBeGreaterThanOrEqual(N);
    expect(fsyncs).toBeGreaterThan(0);
    expect(fsyncs).toBeLessThan(records);
    console.log(`group commit: ${records} records in ${fsyncs} fsyncs`);
  });

  it('resumes from an explicit pageState and reports no more pages at the end', async () => {
    const q = 'SELECT ts FROM pg.series WHERE sensor = ? AND day = ? AND ts < ?';
    const first = await f.client.execute(q, ['s1', 1, 100], { prepare: true, fetchSize: 60 });
    expect(first.rows.map((r) => Number(r.ts))).toEqual(range(99, 40));
    expect(first.pageState).toBeTruthy();
    const second = await f.client.execute(q, ['s1', 1, 100], {
      prepare: true,
      fetchSize: 60,
      pageState: first.pageState,
    });
    expect(second.rows.map((r) => Number(r.ts))).toEqual(range(39, 0));
    expect(second.pageState ?? null).toBeNull();
  });

  it('applies LIMIT across pages', async () => {
    const rows = await collectAll(
      f.client,
      'SELECT ts FROM pg.series WHERE sensor = ? AND day = ? LIMIT 2500',
      ['s1', 1],
      1000,
    );
    expect(rows).toEqual(range(N - 1, N - 2500));
  });

  it('pages a full-table scan over many partitions without repeating or losing rows', async () => {
    await f.client.execute('CREATE TABLE pg.kv (k int, c int, v text, PRIMARY KEY (k, c))');
    const params: unknown[][] = [];
    for (let k = 0; k < 300; k++) for (let c = 0; c < 5; c++) params.push([k, c, `${k}/${c}`]);
    await cassandra.concurrent.executeConcurrent(
      f.client,
      'INSERT INTO pg.kv (k, c, v) VALUES (?, ?, ?)',
      params,
    );
    const rows = await collectAll(f.client, 'SELECT v FROM pg.kv', [], 128);
    expect(rows).toHaveLength(1500);
    expect(new Set(rows).size).toBe(1500);
  });
});

function range(from: number, toInclusive: number): number[] {
  const out: number[] = [];
  for (let i = from; i >= toInclusive; i--) out.push(i);
  return out;
}

async function collect(
  client: cassandra.Client,
  query: string,
  params: unknown[],
  fetchSize: number,
  onPage: () => void,
): Promise<number[]> {
  const out: number[] = [];
  let pageState: string | undefined;
  do {
    const rs = await client.execute(query, params, { prepare: true, fetchSize, pageState });
    onPage();
    for (const r of rs.rows) out.push(Number(r.ts));
    pageState = rs.pageState ?? undefined;
  } while (pageState);
  return out;
}

async function collectAll(
  client: cassandra.Client,
  query: string,
  params: unknown[],
  fetchSize: number,
): Promise<unknown[]> {
  const out: unknown[] = [];
  // The driver's own automatic paging (async iteration over all pages).
  const rs = await client.execute(query, params, { prepare: true, fetchSize });
  for await (const row of rs) {
    const v = row.values()[0];
    out.push(typeof v === 'object' && v !== null ? Number(v) : v);
  }
  return out;
}

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Fixture, createKeyspace, failure, startFixture } from './helpers/fixture.js';

describe('CQL subset', () => {
  let f: Fixture;
  const exec = (q: string, p: unknown[] = []) => f.client.execute(q, p, { prepare: p.length > 0 });
  beforeAll(async () => {
    f = await startFixture('queries');
    await createKeyspace(f.client, 'q');
    await exec(
      'CREATE TABLE q.events (site text, day int, hour int, seq int, kind text, amount double, ' +
        'PRIMARY KEY ((site, day), hour, seq)) WITH CLUSTERING ORDER BY (hour DESC, seq ASC)',
    );
    for (const site of ['a', 'b']) {
      for (let hour = 0; hour < 4; hour++) {
        for (let seq = 0; seq < 3; seq++) {
          await exec('INSERT INTO q.events (site, day, hour, seq, kind, amount) VALUES (?, ?, ?, ?, ?, ?)', [
            site,
            1,
            hour,
            seq,
            seq % 2 ? 'odd' : 'even',
            hour * 10 + seq,
          ]);
        }
      }
    }
  });
  afterAll(async () => f?.stop());

  const keys = (rows: { hour: number; seq: number }[]) => rows.map((r) => `${r.hour}.${r.seq}`);

  it('keeps a partition sorted by a composite clustering key with mixed DESC/ASC order', async () => {
    const rs = await exec('SELECT hour, seq FROM q.events WHERE site = ? AND day = ?', ['a', 1]);
    expect(keys(rs.rows as never)).toEqual([
      '3.0',
      '3.1',
      '3.2',
      '2.0',
      '2.1',
      '2.2',
      '1.0',
      '1.1',
      '1.2',
      '0.0',
      '0.1',
      '0.2',
    ]);
  });

  it('reverses the order with ORDER BY against the clustering order', async () => {
    const rs = await exec(
      'SELECT hour, seq FROM q.events WHERE site = ? AND day = ? ORDER BY hour ASC, seq DESC LIMIT 4',
      ['a', 1],
    );
    expect(keys(rs.rows as never)).toEqual(['0.2', '0.1', '0.0', '1.2']);
  });

  it('selects clustering ranges and equality prefixes', async () => {
    const slice = await exec(
      'SELECT hour, seq FROM q.events WHERE site = ? AND day = ? AND hour >= ? AND hour < ?',
      ['a', 1, 1, 3],
    );
    expect(keys(slice.rows as never)).toEqual(['2.0', '2.1', '2.2', '1.0', '1.1', '1.2']);
    const prefix = await exec(
      'SELECT hour, seq FROM q.events WHERE site = ? AND day = ? AND hour = ? AND seq > ?',
      ['b', 1, 2, 0],
    );
    expect(keys(prefix.rows as never)).toEqual(['2.1', '2.2']);
  });

  it('supports IN on the partition key, as a literal list and as one bind marker', async () => {
    const lit = await f.client.execute(
      "SELECT site FROM q.events WHERE site IN ('a', 'b', 'zz') AND day = 1 AND hour = 0 AND seq = 0",
    );
    expect(lit.rows.map((r) => r.site)).toEqual(['a', 'b']);
    const bound = await exec(
      'SELECT site, amount FROM q.events WHERE site IN ? AND day = ? AND hour = 3 AND seq = 2',
      [['b'], 1],
    );
    expect(bound.rows.map((r) => [r.site, r.amount])).toEqual([['b', 32]]);
  });

  it('combines IN on a partition key component with a clustering range, partition by partition', async () => {
    const rs = await exec(
      'SELECT site, hour, seq FROM q.events WHERE site = ? AND day IN ? AND hour >= ? AND hour <= ? LIMIT 5',
      ['b', [2, 1], 2, 3],
    );
    expect(rs.rows.map((r) => `${r.site}:${r.hour}.${r.seq}`)).toEqual([
      'b:3.0',
      'b:3.1',
      'b:3.2',
      'b:2.0',
      'b:2.1',
    ]);
    const both = await f.client.execute(
      "SELECT site FROM q.events WHERE site IN ('b', 'a') AND day = 1 AND hour = 3 AND seq = 1",
    );
    expect(both.rows.map((r) => r.site)).toEqual(['b', 'a']);
  });

  it('binds named markers by name', async () => {
    const rs = await f.client.execute(
      'SELECT amount FROM q.events WHERE site = :s AND day = :d AND hour = :h AND seq = :q',
      { q: 1, h: 2, d: 1, s: 'a' },
      { prepare: true },
    );
    expect(rs.rows[0].amount).toBe(21);
  });

  it('binds named values of a plain (unprepared) statement', async () => {
    const rs = await f.client.execute(
      'SELECT amount FROM q.events WHERE site = :s AND day = :d AND hour = :h AND seq = :q',
      { q: 2, h: 3, d: 1, s: 'b' },
      // The driver accepts hints by name for named values; its typings only declare positional hints.
      { hints: { q: 'int', h: 'int', d: 'int', s: 'text' } } as unknown as { hints: string[] },
    );
    expect(rs.rows[0].amount).toBe(32);
  });

  it('refuses filtering on a regular column unless ALLOW FILTERING is given, then filters', async () => {
    const err = await failure(
      exec('SELECT * FROM q.events WHERE site = ? AND day = ? AND kind = ?', ['a', 1, 'odd']),
    );
    expect(err.code).toBe(0x2200);
    expect(err.message).toContain('ALLOW FILTERING');
    const rs = await exec(
      'SELECT hour, seq FROM q.events WHERE site = ? AND day = ? AND kind = ? ALLOW FILTERING',
      ['a', 1, 'odd'],
    );
    expect(keys(rs.rows as never)).toEqual(['3.1', '2.1', '1.1', '0.1']);
    const scan = await f.client.execute("SELECT count(*) FROM q.events WHERE kind = 'even' ALLOW FILTERING");
    expect(Number(scan.rows[0].count)).toBe(16);
  });

  it('counts rows with count(*)', async () => {
    const rs = await exec('SELECT count(*) FROM q.events WHERE site = ? AND day = ?', ['b', 1]);
    expect(Number(rs.rows[0].count)).toBe(12);
  });

  it('UPDATE upserts cells, DELETE removes a cell, a row, or a partition, TRUNCATE empties', async () => {
    await exec('CREATE TABLE q.kv (k text, c int, a text, b int, PRIMARY KEY (k, c))');
    await exec('UPDATE q.kv SET a = ?, b = ? WHERE k = ? AND c = ?', ['x', 1, 'k1', 1]);
    await exec('UPDATE q.kv SET b = ? WHERE k = ? AND c IN (1, 2)', [5, 'k1']);
    let rs = await exec('SELECT c, a, b FROM q.kv WHERE k = ?', ['k1']);
    expect(rs.rows.map((r) => [r.c, r.a, r.b])).toEqual([
      [1, 'x', 5],
      [2, null, 5],
    ]);
    await exec('DELETE a FROM q.kv WHERE k = ? AND c = ?', ['k1', 1]);
    await exec('DELETE FROM q.kv WHERE k = ? AND c = ?', ['k1', 2]);
    rs = await exec('SELECT c, a, b FROM q.kv WHERE k = ?', ['k1']);
    expect(rs.rows.map((r) => [r.c, r.a, r.b])).toEqual([[1, null, 5]]);
    await exec('INSERT INTO q.kv (k, c, a) VALUES (?, ?, ?)', ['k2', 1, 'y']);
    await exec('DELETE FROM q.kv WHERE k = ?', ['k1']);
    rs = await f.client.execute('SELECT k FROM q.kv');
    expect(rs.rows.map((r) => r.k)).toEqual(['k2']);
    await f.client.execute('TRUNCATE q.kv');
    rs = await f.client.execute('SELECT k FROM q.kv');
    expect(rs.rows).toHaveLength(0);
  });

  it('INSERT IF NOT EXISTS reports [applied] and the existing row', async () => {
    await exec('CREATE TABLE q.users (id int PRIMARY KEY, name text)');
    const first = await exec('INSERT INTO q.users (id, name) VALUES (?, ?) IF NOT EXISTS', [1, 'ann']);
    expect(first.wasApplied()).toBe(true);
    const second = await exec('INSERT INTO q.users (id, name) VALUES (?, ?) IF NOT EXISTS', [1, 'bob']);
    expect(second.wasApplied()).toBe(false);
    expect(second.rows[0].name).toBe('ann');
    const rs = await exec('SELECT name FROM q.users WHERE id = ?', [1]);
    expect(rs.rows[0].name).toBe('ann');
  });

  it('expires cells and rows written USING TTL', async () => {
    await exec('CREATE TABLE q.ttl (id int PRIMARY KEY, v text)');
    await exec('INSERT INTO q.ttl (id, v) VALUES (?, ?) USING TTL 1', [1, 'short']);
    await exec('INSERT INTO q.ttl (id, v) VALUES (?, ?) USING TTL ?', [2, 'long', 3600]);
    expect((await f.client.execute('SELECT id FROM q.ttl')).rows).toHaveLength(2);
    await new Promise((r) => setTimeout(r, 1100));
    const rs = await f.client.execute('SELECT id FROM q.ttl');
    expect(rs.rows.map((r) => r.id)).toEqual([2]);
  });

  it('CREATE/DROP with IF [NOT] EXISTS are no-ops when satisfied, errors otherwise', async () => {
    await exec('CREATE TABLE IF NOT EXISTS q.users (id int PRIMARY KEY, name text)');
    const dup = await failure(exec('CREATE TABLE q.users (id int PRIMARY KEY)'));
    expect(dup.code).toBe(0x2400);
    await exec('DROP TABLE IF EXISTS q.nothing');
    expect((await failure(exec('DROP TABLE q.nothing'))).code).toBe(0x2200);
    await exec(
      "CREATE KEYSPACE IF NOT EXISTS q WITH replication = {'class': 'SimpleStrategy', 'replication_factor': 1}",
    );
    expect(
      (
        await failure(
          exec("CREATE KEYSPACE q WITH replication = {'class': 'SimpleStrategy', 'replication_factor': 1}"),
        )
      ).code,
    ).toBe(0x2400);
    await exec('DROP KEYSPACE IF EXISTS nothing');
  });

  it('rejects writes that miss key parts, and unsupported relations, with invalid-request errors', async () => {
    const missing = await failure(
      exec('INSERT INTO q.events (site, day, hour) VALUES (?, ?, ?)', ['a', 1, 1]),
    );
    expect(missing).toMatchObject({ code: 0x2200, message: 'Some clustering keys are missing: seq' });
    const neq = await failure(f.client.execute("SELECT * FROM q.events WHERE site != 'a' ALLOW FILTERING"));
    expect(neq.code).toBe(0x2200);
    const order = await failure(f.client.execute('SELECT * FROM q.events ORDER BY hour'));
    expect(order.code).toBe(0x2200);
  });
});

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Fixture, createKeyspace, startFixture } from './helpers/fixture.js';

describe('prepared statements and schema changes', () => {
  let f: Fixture;
  beforeAll(async () => {
    f = await startFixture('reprepare');
    await createKeyspace(f.client, 'rp');
  });
  afterAll(async () => f?.stop());

  it('a schema change invalidates prepared statements and the driver re-prepares transparently', async () => {
    await f.client.execute('CREATE TABLE rp.t (k int PRIMARY KEY, a text)');
    await f.client.execute('INSERT INTO rp.t (k, a) VALUES (?, ?)', [1, 'one'], { prepare: true });
    const select = 'SELECT * FROM rp.t WHERE k = ?';
    const before = await f.client.execute(select, [1], { prepare: true });
    expect(before.columns.map((c) => c.name)).toEqual(['k', 'a']);
    const unprepared: unknown[] = [];
    f.client.on('log', (_level: string, _cls: string, message: string) => {
      if (/not prepared on host .*preparing and retrying/.test(message)) unprepared.push(message);
    });

    // Same table name, new shape: the old compiled statement must not be used any more.
    await f.client.execute('DROP TABLE rp.t');
    await f.client.execute('CREATE TABLE rp.t (k int PRIMARY KEY, a text, b int)');
    await f.client.execute('INSERT INTO rp.t (k, a, b) VALUES (?, ?, ?)', [1, 'uno', 7], { prepare: true });

    const after = await f.client.execute(select, [1], { prepare: true });
    expect(after.columns.map((c) => c.name)).toEqual(['k', 'a', 'b']);
    expect(after.rows[0]).toMatchObject({ k: 1, a: 'uno', b: 7 });
    // The driver logged the UNPREPARED round trip (its re-prepare path), proving the server refused the old id.
    expect(unprepared.length).toBeGreaterThan(0);
  });

  it('ALTER TABLE ADD/DROP keeps existing rows and prepared SELECT * picks up the new shape', async () => {
    await f.client.execute('CREATE TABLE rp.alt (k int, c int, x text, PRIMARY KEY (k, c))');
    await f.client.execute('INSERT INTO rp.alt (k, c, x) VALUES (?, ?, ?)', [1, 1, 'keep'], {
      prepare: true,
    });
    const select = 'SELECT * FROM rp.alt WHERE k = ?';
    expect((await f.client.execute(select, [1], { prepare: true })).columns.map((c) => c.name)).toEqual([
      'k',
      'c',
      'x',
    ]);
    await f.client.execute('ALTER TABLE rp.alt ADD a bigint');
    await f.client.execute('ALTER TABLE rp.alt DROP x');
    await f.client.execute('INSERT INTO rp.alt (k, c, a) VALUES (?, ?, ?)', [1, 2, 5], { prepare: true });
    const rs = await f.client.execute(select, [1], { prepare: true });
    expect(rs.columns.map((c) => c.name)).toEqual(['k', 'c', 'a']);
    expect(rs.rows.map((r) => [r.c, r.a === null ? null : Number(r.a)])).toEqual([
      [1, null],
      [2, 5],
    ]);
    const table = await f.client.metadata.getTable('rp', 'alt');
    expect(table.columns.map((c: { name: string }) => c.name).sort()).toEqual(['a', 'c', 'k']);
  });
});

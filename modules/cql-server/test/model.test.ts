import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Fixture, createKeyspace, startFixture } from './helpers/fixture.js';

/** Deterministic PRNG (mulberry32). */
function prng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

interface ModelRow {
  a: number;
  b: string;
  v: number | null;
}

/**
 * Random writes against the server and against a plain JS model; every read (slices, ORDER BY,
 * paging with random page sizes) must match the model sorted by (a DESC, b ASC).
 */
describe('model-based check of ordering, deletes and paging', () => {
  let f: Fixture;
  beforeAll(async () => {
    // In memory: this test is about ordering and paging, not durability (no fsync per operation).
    f = await startFixture('model', { dataDir: undefined });
    await createKeyspace(f.client, 'mb');
    await f.client.execute(
      'CREATE TABLE mb.t (k int, a int, b text, v int, PRIMARY KEY (k, a, b)) WITH CLUSTERING ORDER BY (a DESC, b ASC)',
    );
  });
  afterAll(async () => f?.stop());

  it('matches the model after 1500 random operations', async () => {
    const rand = prng(42);
    const pick = <T>(xs: T[]) => xs[Math.floor(rand() * xs.length)];
    const model = new Map<number, Map<string, ModelRow>>();
    const opts = { prepare: true };
    const bs = ['', 'a', 'b', 'ba', 'c'];
    const order = (x: ModelRow, y: ModelRow) => y.a - x.a || (x.b < y.b ? -1 : x.b > y.b ? 1 : 0);
    const rowsOf = (k: number) => [...(model.get(k)?.values() ?? [])].sort(order);

    for (let op = 0; op < 1500; op++) {
      const k = Math.floor(rand() * 3);
      const a = Math.floor(rand() * 40) - 20;
      const b = pick(bs);
      const r = rand();
      const part = model.get(k) ?? new Map<string, ModelRow>();
      model.set(k, part);
      if (r < 0.6) {
        const v = Math.floor(rand() * 1000);
        await f.client.execute('INSERT INTO mb.t (k, a, b, v) VALUES (?, ?, ?, ?)', [k, a, b, v], opts);
        part.set(`${a}|${b}`, { a, b, v });
      } else if (r < 0.7) {
        const v = Math.floor(rand() * 1000);
        await f.client.execute('UPDATE mb.t SET v = ? WHERE k = ? AND a = ? AND b = ?', [v, k, a, b], opts);
        part.set(`${a}|${b}`, { a, b, v });
      } else if (r < 0.8) {
        await f.client.execute('DELETE FROM mb.t WHERE k = ? AND a = ? AND b = ?', [k, a, b], opts);
        part.delete(`${a}|${b}`);
      } else if (r < 0.85) {
        await f.client.execute('DELETE FROM mb.t WHERE k = ? AND a = ?', [k, a], opts);
        for (const key of [...part.keys()]) if (part.get(key)!.a === a) part.delete(key);
      } else if (r < 0.87) {
        await f.client.execute('DELETE FROM mb.t WHERE k = ?', [k], opts);
        model.delete(k);
      } else {
        // Read: a random slice, in either order, through random page sizes.
        const lo = Math.floor(rand() * 40) - 20;
        const hi = lo + Math.floor(rand() * 20);
        const asc = rand() < 0.5;
        const fetchSize = 1 + Math.floor(rand() * 7);
        const q = `SELECT a, b, v FROM mb.t WHERE k = ? AND a >= ? AND a < ? ORDER BY a ${asc ? 'ASC' : 'DESC'}, b ${asc ? 'DESC' : 'ASC'}`;
        const got: ModelRow[] = [];
        const rs = await f.client.execute(q, [k, lo, hi], { prepare: true, fetchSize });
        for await (const row of rs) got.push({ a: row.a, b: row.b, v: row.v });
        let want = rowsOf(k).filter((x) => x.a >= lo && x.a < hi);
        if (asc) want = want.reverse();
        expect(got).toEqual(want);
      }
    }
    for (const k of [0, 1, 2]) {
      const rs = await f.client.execute('SELECT a, b, v FROM mb.t WHERE k = ?', [k], opts);
      expect(rs.rows.map((row) => ({ a: row.a, b: row.b, v: row.v }))).toEqual(rowsOf(k));
    }
  });
});

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Fixture, cassandra, createKeyspace, failure, startFixture } from './helpers/fixture.js';

describe('batches', () => {
  let f: Fixture;
  beforeAll(async () => {
    f = await startFixture('batch');
    await createKeyspace(f.client, 'b');
    await f.client.execute('CREATE TABLE b.acc (id int, part int, v text, PRIMARY KEY (id, part))');
  });
  afterAll(async () => f?.stop());

  it('applies a logged batch of prepared statements', async () => {
    const insert = 'INSERT INTO b.acc (id, part, v) VALUES (?, ?, ?)';
    await f.client.batch(
      [
        { query: insert, params: [1, 1, 'a'] },
        { query: insert, params: [1, 2, 'b'] },
        { query: 'UPDATE b.acc SET v = ? WHERE id = ? AND part = ?', params: ['c', 2, 1] },
      ],
      { prepare: true },
    );
    const rs = await f.client.execute('SELECT id, part, v FROM b.acc');
    expect(rs.rows.map((r) => `${r.id}.${r.part}=${r.v}`).sort()).toEqual(['1.1=a', '1.2=b', '2.1=c']);
  });

  it('applies an unlogged batch of plain statements, deletes included', async () => {
    await f.client.batch(
      ["INSERT INTO b.acc (id, part, v) VALUES (3, 1, 'x')", 'DELETE FROM b.acc WHERE id = 1 AND part = 1'],
      { logged: false },
    );
    const rs = await f.client.execute('SELECT id, part FROM b.acc');
    expect(rs.rows.map((r) => `${r.id}.${r.part}`).sort()).toEqual(['1.2', '2.1', '3.1']);
  });

  it('rejects a batch containing a SELECT and applies none of it', async () => {
    const err = await failure(
      f.client.batch(["INSERT INTO b.acc (id, part, v) VALUES (9, 9, 'no')", 'SELECT * FROM b.acc']),
    );
    expect(err.code).toBe(0x2200);
    const rs = await f.client.execute('SELECT v FROM b.acc WHERE id = 9');
    expect(rs.rows).toHaveLength(0);
  });
});

describe('errors carry Cassandra codes', () => {
  let f: Fixture;
  beforeAll(async () => {
    f = await startFixture('errors');
    await createKeyspace(f.client, 'e');
  });
  afterAll(async () => f?.stop());

  it('syntax error → 0x2000', async () => {
    const err = await failure(f.client.execute('SELEC * FROM e.t'));
    expect(err.code).toBe(cassandra.types.responseErrorCodes.syntaxError);
    expect(err.code).toBe(0x2000);
    expect(err.message).toMatch(/^line 1:0 /);
    const prepared = await failure(f.client.execute('SELECT * FROM e.t WHERE', [], { prepare: true }));
    expect(prepared.code).toBe(0x2000);
  });

  it('unconfigured table → 0x2200 "unconfigured table xyz", for plain and prepared statements', async () => {
    const err = await failure(f.client.execute('SELECT * FROM e.xyz'));
    expect(err).toMatchObject({ code: 0x2200, message: 'unconfigured table xyz' });
    const prep = await failure(f.client.execute('INSERT INTO e.xyz (a) VALUES (?)', [1], { prepare: true }));
    expect(prep).toMatchObject({ code: 0x2200, message: 'unconfigured table xyz' });
  });

  it('missing keyspace and no keyspace → 0x2200', async () => {
    expect((await failure(f.client.execute('SELECT * FROM nope.t'))).code).toBe(0x2200);
    const noKs = await failure(f.client.execute('SELECT * FROM t'));
    expect(noKs.message).toContain('No keyspace has been specified');
  });

  it('already exists → 0x2400 with keyspace and table', async () => {
    await f.client.execute('CREATE TABLE e.t (k int PRIMARY KEY)');
    const err = (await failure(f.client.execute('CREATE TABLE e.t (k int PRIMARY KEY)'))) as unknown as {
      code: number;
      keyspace: string;
      table: string;
    };
    expect(err.code).toBe(0x2400);
    expect(err.keyspace).toBe('e');
    expect(err.table).toBe('t');
  });

  it('a consistency level one node cannot meet → 0x1000 unavailable', async () => {
    await f.client.execute(
      "CREATE KEYSPACE rf3 WITH replication = {'class': 'SimpleStrategy', 'replication_factor': 3}",
    );
    await f.client.execute('CREATE TABLE rf3.t (k int PRIMARY KEY)');
    const outer = (await failure(
      f.client.execute('INSERT INTO rf3.t (k) VALUES (1)', [], {
        consistency: cassandra.types.consistencies.quorum,
      }),
    )) as unknown as { innerErrors: Record<string, { code: number; required: number; alive: number }> };
    // The driver's retry policy tries the next host on Unavailable; with one host it reports NoHostAvailable.
    const [err] = Object.values(outer.innerErrors);
    expect(err.code).toBe(0x1000);
    expect(err).toMatchObject({ required: 2, alive: 1 });
    // ONE (the driver's LOCAL_ONE default) is satisfiable.
    await f.client.execute('INSERT INTO rf3.t (k) VALUES (1)');
  });

  it('writes to system tables are refused (0x2100)', async () => {
    const err = await failure(f.client.execute("INSERT INTO system.local (key) VALUES ('x')"));
    expect(err.code).toBe(0x2100);
  });
});

import { cpSync, readdirSync, rmSync, statSync, truncateSync } from 'node:fs';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import pino from 'pino';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startCqlServer } from '../src/index.js';
import {
  type Fixture,
  createKeyspace,
  failure,
  newClient,
  startFixture,
  tempDir,
} from './helpers/fixture.js';

const INSERT = 'INSERT INTO a.acc (id, part, v) VALUES (?, ?, ?)';

describe('a logged BATCH is all-or-nothing', () => {
  let f: Fixture;
  beforeAll(async () => {
    f = await startFixture('batch-atomic');
    await createKeyspace(f.client, 'a');
    await f.client.execute('CREATE TABLE a.acc (id int, part int, v text, PRIMARY KEY (id, part))');
  });
  afterAll(async () => f?.stop());
  beforeEach(async () => {
    await f.client.execute('TRUNCATE a.acc');
    // A row from before the batch, which a failed batch must leave alone.
    await f.client.execute(INSERT, [0, 0, 'before'], { prepare: true });
  });

  async function rows(): Promise<string[]> {
    const rs = await f.client.execute('SELECT id, part, v FROM a.acc');
    return rs.rows.map((r) => `${r.id}.${r.part}=${r.v}`).sort();
  }

  const firstTwo = [
    { query: INSERT, params: [1, 1, 'one'] },
    { query: INSERT, params: [1, 2, 'two'] },
  ];

  it('a 3rd statement too large to log as one record fails the batch before anything is applied', async () => {
    // 70 000 rows in one UPDATE (IN on the clustering key): beyond one commit-log record.
    const parts = Array.from({ length: 70_000 }, (_, i) => i + 10);
    const third = { query: 'UPDATE a.acc SET v = ? WHERE id = ? AND part IN ?', params: ['big', 2, parts] };
    const err = await failure(f.client.batch([...firstTwo, third], { prepare: true, logged: true }));
    expect(err).toMatchObject({ code: 0x2200 });
    expect(err.message).toContain('Too many row mutations in one statement or BATCH: 70002');
    expect(await rows()).toEqual(['0.0=before']);
  });

  it('a 3rd statement that is not INSERT/UPDATE/DELETE (TRUNCATE) fails the batch, nothing applied', async () => {
    const err = await failure(
      f.client.batch([...firstTwo, { query: 'TRUNCATE a.acc', params: [] }], { prepare: true }),
    );
    expect(err).toMatchObject({ code: 0x2200 });
    expect(err.message).toContain('only UPDATE, INSERT and DELETE statements are allowed');
    expect(await rows()).toEqual(['0.0=before']);
  });

  it('a 3rd statement failing at execution (bad value, null key, negative TTL) applies nothing', async () => {
    const thirds = [
      // Unprepared: the driver guesses text for the string, the int column refuses 1 byte.
      { stmt: { query: INSERT, params: [1, 'x', 'three'] }, prepare: false },
      { stmt: { query: INSERT, params: [1, null, 'three'] }, prepare: true },
      { stmt: { query: `${INSERT} USING TTL ?`, params: [1, 3, 'three', -5] }, prepare: true },
    ];
    for (const { stmt, prepare } of thirds) {
      const err = await failure(f.client.batch([...firstTwo, stmt], { prepare, logged: true }));
      expect(err).toMatchObject({ code: 0x2200 });
      expect(await rows()).toEqual(['0.0=before']);
    }
  });

  it('the same batch without the bad statement applies all of it', async () => {
    await f.client.batch([...firstTwo, { query: INSERT, params: [1, 3, 'three'] }], { prepare: true });
    expect(await rows()).toEqual(['0.0=before', '1.1=one', '1.2=two', '1.3=three']);
  });
});

describe('a BATCH is one commit-log record', () => {
  const dataDir = tempDir('batch-record');
  const copies: string[] = [];
  afterAll(() => {
    for (const d of [dataDir, ...copies]) rmSync(d, { recursive: true, force: true });
  });

  const warnings: string[] = [];
  const logger = pino(
    { level: 'warn' },
    new Writable({
      write(chunk: Buffer, _enc, done) {
        warnings.push((JSON.parse(chunk.toString('utf8')) as { msg: string }).msg);
        done();
      },
    }),
  );

  /** Rows of a.acc seen by a server started on `dir`. */
  async function rowsAfterRestart(dir: string): Promise<string[]> {
    const server = await startCqlServer({ port: 0, dataDir: dir, logger });
    const client = newClient(server.port);
    try {
      await client.connect();
      const rs = await client.execute('SELECT id, part FROM a.acc');
      return rs.rows.map((r) => `${r.id}.${r.part}`).sort();
    } finally {
      await client.shutdown();
      await server.close();
    }
  }

  it('replay after a crash that tore the batch record keeps none of it; the whole record keeps all', async () => {
    const server = await startCqlServer({ port: 0, dataDir });
    const client = newClient(server.port);
    await client.connect();
    await createKeyspace(client, 'a');
    await client.execute('CREATE TABLE a.acc (id int, part int, v text, PRIMARY KEY (id, part))');
    await client.execute(INSERT, [0, 0, 'single'], { prepare: true });
    const log = readdirSync(dataDir).filter((n) => n.startsWith('commitlog-'));
    expect(log).toHaveLength(1);
    const beforeBatch = statSync(join(dataDir, log[0])).size;
    await client.batch(
      [1, 2, 3].map((part) => ({ query: INSERT, params: [1, part, 'batched'] })),
      { prepare: true, logged: true },
    );
    const afterBatch = statSync(join(dataDir, log[0])).size;
    expect(afterBatch).toBeGreaterThan(beforeBatch);

    // The state a SIGKILL leaves: acknowledged records on disk, no final snapshot. Copy it twice,
    // once whole and once with the batch's record cut short as by a crash in the middle of its write.
    const whole = tempDir('batch-whole');
    const torn = tempDir('batch-torn');
    copies.push(whole, torn);
    cpSync(dataDir, whole, { recursive: true });
    cpSync(dataDir, torn, { recursive: true });
    truncateSync(join(torn, log[0]), afterBatch - 3);
    await client.shutdown();
    await server.close();

    expect(await rowsAfterRestart(whole)).toEqual(['0.0', '1.1', '1.2', '1.3']);
    expect(warnings).toEqual([]);
    expect(await rowsAfterRestart(torn)).toEqual(['0.0']);
    expect(warnings).toEqual(['commit log ends with a torn record; ignored']);
  });
});

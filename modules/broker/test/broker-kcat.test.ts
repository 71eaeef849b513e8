import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestBroker, type TestBroker } from './helpers/broker.js';
import { run } from './helpers/processes.js';

describe('kcat (librdkafka) against the broker', () => {
  let b: TestBroker;
  beforeAll(async () => {
    b = await startTestBroker({ defaultPartitions: 3 });
  });
  afterAll(async () => {
    await b.close();
  });

  it('-P then -L then -C round trip with keys', async () => {
    const lines = Array.from({ length: 50 }, (_, i) => `key${i % 7}:value-${i}`);
    const produced = await run(
      'kcat',
      ['-b', b.bootstrap, '-P', '-t', 'kc', '-K:', '-z', 'gzip'],
      `${lines.join('\n')}\n`,
    );
    expect(produced.code, produced.stderr).toBe(0);

    const listed = await run('kcat', ['-b', b.bootstrap, '-L', '-t', 'kc']);
    expect(listed.code, listed.stderr).toBe(0);
    expect(listed.stdout).toContain('topic "kc" with 3 partitions');
    expect(listed.stdout).toMatch(/broker 0 at 127\.0\.0\.1:\d+/);

    const consumed = await run('kcat', ['-b', b.bootstrap, '-C', '-t', 'kc', '-e', '-f', '%p|%o|%k|%s\n']);
    expect(consumed.code, consumed.stderr).toBe(0);
    const rows = consumed.stdout
      .trim()
      .split('\n')
      .map((l) => l.split('|'));
    expect(rows.map((r) => `${r[2]}:${r[3]}`).sort()).toEqual([...lines].sort());
    // per partition: offsets 0..n-1 in order, and values in the order they were produced
    for (const p of ['0', '1', '2']) {
      const mine = rows.filter((r) => r[0] === p);
      expect(mine.map((r) => Number(r[1]))).toEqual(mine.map((_, i) => i));
      const seq = mine.map((r) => Number(r[3].slice('value-'.length)));
      expect(seq).toEqual([...seq].sort((x, y) => x - y));
    }
  });

  it('-G balanced consumer reads everything', async () => {
    const lines = Array.from({ length: 30 }, (_, i) => `g${i}`);
    const produced = await run('kcat', ['-b', b.bootstrap, '-P', '-t', 'kcg'], `${lines.join('\n')}\n`);
    expect(produced.code, produced.stderr).toBe(0);
    const consumed = await run('kcat', [
      '-b',
      b.bootstrap,
      '-G',
      'kcat-group',
      '-X',
      'auto.offset.reset=earliest',
      '-c',
      String(lines.length),
      '-f',
      '%s\n',
      'kcg',
    ]);
    expect(consumed.code, consumed.stderr).toBe(0);
    expect(consumed.stdout.trim().split('\n').sort()).toEqual([...lines].sort());
  });
});

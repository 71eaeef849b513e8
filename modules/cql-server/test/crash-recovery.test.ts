import { type ChildProcess, spawn } from 'node:child_process';
import { rmSync } from 'node:fs';
import { resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { afterAll, describe, expect, it } from 'vitest';
import { newClient, tempDir } from './helpers/fixture.js';

// The crash test runs the built server (`npx tsc -b modules/cql-server` first; the root test command does).
const MAIN = resolve(import.meta.dirname, '../dist/main.js');

interface Child {
  proc: ChildProcess;
  port: number;
}

async function startChild(dataDir: string): Promise<Child> {
  const proc = spawn(
    process.execPath,
    [MAIN, '--port', '0', '--data-dir', dataDir, '--snapshot-interval-ms', '300', '--log-level', 'warn'],
    { stdio: ['ignore', 'pipe', 'inherit'] },
  );
  const lines = createInterface({ input: proc.stdout! });
  const port = await new Promise<number>((ok, fail) => {
    proc.once('exit', (code) => fail(new Error(`cql server exited early with ${code}`)));
    lines.on('line', (line) => {
      if (!line.startsWith('{"event":"listening"')) return;
      ok((JSON.parse(line) as { port: number }).port);
    });
  });
  return { proc, port };
}

function kill(child: Child): Promise<void> {
  return new Promise((ok) => {
    if (child.proc.exitCode !== null || child.proc.signalCode !== null) return ok();
    child.proc.once('exit', () => ok());
    child.proc.kill('SIGKILL');
  });
}

/**
 * Writes concurrently until `stopAfter` acknowledgements, then SIGKILLs the server while writes are
 * still in flight. Returns every acknowledged key → value.
 */
async function writeAndKill(child: Child, round: number, stopAfter: number): Promise<Map<string, string>> {
  const client = newClient(child.port, 'crash');
  client.on('error', () => {});
  await client.connect();
  const acked = new Map<string, string>();
  let killed: Promise<void> | undefined;
  const writer = async (w: number) => {
    for (let i = 0; !killed; i++) {
      const key = `r${round}-w${w}-${i}`;
      const value = `v${i}`;
      try {
        if (i % 10 === 9) {
          // Every tenth write is a two-row batch: both rows count as acknowledged together.
          await client.batch(
            [
              { query: 'INSERT INTO kv (k, v) VALUES (?, ?)', params: [key, value] },
              { query: 'INSERT INTO kv (k, v) VALUES (?, ?)', params: [`${key}-b`, value] },
            ],
            { prepare: true },
          );
          acked.set(`${key}-b`, value);
        } else {
          await client.execute('INSERT INTO kv (k, v) VALUES (?, ?)', [key, value], { prepare: true });
        }
        acked.set(key, value);
      } catch {
        // Writes failing after the kill were not acknowledged; nothing is promised about them.
        return;
      }
      if (acked.size >= stopAfter && !killed) killed = kill(child);
    }
  };
  await Promise.all(Array.from({ length: 16 }, (_, w) => writer(w)));
  await killed;
  await client.shutdown().catch(() => {});
  return acked;
}

describe('durability across SIGKILL', () => {
  const dataDir = tempDir('crash');
  const children: Child[] = [];
  afterAll(async () => {
    for (const c of children) await kill(c);
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('keeps every acknowledged write after SIGKILL and restart (twice, across snapshots)', async () => {
    let child = await startChild(dataDir);
    children.push(child);
    const setup = newClient(child.port);
    await setup.connect();
    await setup.execute(
      "CREATE KEYSPACE crash WITH replication = {'class': 'SimpleStrategy', 'replication_factor': 1}",
    );
    await setup.execute('CREATE TABLE crash.kv (k text PRIMARY KEY, v text)');
    await setup.shutdown();

    const all = new Map<string, string>();
    for (let round = 0; round < 2; round++) {
      const acked = await writeAndKill(child, round, 1500);
      expect(acked.size).toBeGreaterThanOrEqual(1500);
      for (const [k, v] of acked) all.set(k, v);
      child = await startChild(dataDir);
      children.push(child);
    }

    const client = newClient(child.port, 'crash');
    await client.connect();
    const stored = new Map<string, string>();
    const rs = await client.execute('SELECT k, v FROM kv', [], { prepare: true, fetchSize: 5000 });
    for await (const row of rs) stored.set(row.k as string, row.v as string);
    const missing = [...all.keys()].filter((k) => stored.get(k) !== all.get(k));
    expect(missing).toEqual([]);
    expect(stored.size).toBeGreaterThanOrEqual(all.size);
    await client.shutdown();
    await kill(child);
  });

  it('the data directory holds a commit log and snapshots', async () => {
    const { readdirSync } = await import('node:fs');
    const files = readdirSync(dataDir);
    expect(files.some((f) => f.startsWith('commitlog-'))).toBe(true);
    expect(files.some((f) => f.startsWith('snapshot-'))).toBe(true);
  });
});

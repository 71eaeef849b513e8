import { testLogger } from '@meterstream/test-support';
import { appendFileSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { OffsetStore } from '../src/group/offset-store.js';
import { Journal } from '../src/state/journal.js';

const logger = testLogger();
type Entry = { k: string; v: bigint };

describe('coordinator state journal', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'journal-'));
  });
  afterEach(() => {
    rmSync(dir, { recursive: true, force: true });
  });

  it('returns what was appended (bigints included) after a reopen, concurrent appends all durable', async () => {
    const { journal } = await Journal.open<Entry>(dir, 'j.jsonl', logger);
    await Promise.all(
      [...Array(50).keys()].map((i) => journal.append([{ k: `k${i}`, v: BigInt(i) * 10n ** 15n }])),
    );
    await journal.close();
    const { journal: again, entries } = await Journal.open<Entry>(dir, 'j.jsonl', logger);
    expect(entries).toHaveLength(50);
    expect(new Set(entries.map((e) => e.k)).size).toBe(50);
    expect(entries.find((e) => e.k === 'k49')?.v).toBe(49n * 10n ** 15n);
    await again.close();
  });

  it('replaces its content with a snapshot on compact and keeps appending after it', async () => {
    const { journal } = await Journal.open<Entry>(dir, 'j.jsonl', logger);
    for (let i = 0; i < 20; i++) await journal.append([{ k: 'same', v: BigInt(i) }]);
    await journal.compact([{ k: 'same', v: 19n }]);
    expect(journal.entryCount).toBe(1);
    await journal.append([{ k: 'next', v: 1n }]);
    await journal.close();
    const { journal: again, entries } = await Journal.open<Entry>(dir, 'j.jsonl', logger);
    expect(entries).toEqual([
      { k: 'same', v: 19n },
      { k: 'next', v: 1n },
    ]);
    await again.close();
  });

  it('cuts off a torn last line left by a crash in the middle of a write', async () => {
    const { journal } = await Journal.open<Entry>(dir, 'j.jsonl', logger);
    await journal.append([{ k: 'a', v: 1n }]);
    await journal.close();
    appendFileSync(join(dir, 'j.jsonl'), '{"k":"b","v":{"$big"');
    const { journal: again, entries } = await Journal.open<Entry>(dir, 'j.jsonl', logger);
    expect(entries).toEqual([{ k: 'a', v: 1n }]);
    await again.append([{ k: 'c', v: 3n }]);
    await again.close();
    expect(readFileSync(join(dir, 'j.jsonl'), 'utf8').trim().split('\n')).toHaveLength(2);
  });

  it('offset store compacts its journal to the live offsets and reloads the latest values', async () => {
    const store = await OffsetStore.open(dir, logger);
    const offsets = (round: number) =>
      [...Array(2500).keys()].map((p) => ({
        topic: 't',
        partition: p,
        offset: BigInt(round * 10_000 + p),
        leaderEpoch: -1,
        metadata: null,
      }));
    for (let round = 0; round < 5; round++) await store.commit('g', offsets(round), 1);
    await store.close();
    const lines = readFileSync(join(dir, 'group-offsets.jsonl'), 'utf8').trim().split('\n');
    // 5 × 2500 entries were written; the compaction after the 5th left only the 2500 live ones.
    expect(lines).toHaveLength(2500);
    const reopened = await OffsetStore.open(dir, logger);
    expect(reopened.get('g', 't', 7)?.offset).toBe(40_007n);
    expect(reopened.get('g', 't', 2499)?.offset).toBe(42_499n);
    await reopened.close();
  });
});

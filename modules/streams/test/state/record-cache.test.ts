import { describe, expect, it } from 'vitest';
import {
  type FlushedChange,
  RecordCache,
  Serdes,
  Stores,
  type TypedKeyValueStore,
  type Windowed,
} from '../../src/state/index.js';
import { openStore, TestStoreContext } from './contract/harness.js';

const str = Serdes.string();
const int = Serdes.int32();

async function kvStore(cacheBytes: number | undefined, caching = true) {
  const context = new TestStoreContext({ cacheBytes });
  const builder = Stores.keyValueStoreBuilder(Stores.inMemoryKeyValueStore('counts'), str, int);
  if (caching) builder.withCachingEnabled();
  const store = (await openStore(() => builder.build(), context)) as TypedKeyValueStore<string, number>;
  const flushed: FlushedChange<string, number>[] = [];
  const listening = store.setFlushListener((change) => flushed.push(change), true);
  return { store, context, flushed, listening };
}

describe('record cache (Kafka Streams cache.max.bytes.buffering semantics)', () => {
  it('de-duplicates per key between commits: one changelog record and one listener update per key per flush', async () => {
    const { store, context, flushed, listening } = await kvStore(1 << 20);
    expect(listening).toBe(true);
    for (let i = 1; i <= 5; i++) {
      context.timestamp = 1000 + i;
      store.put('a', i);
      store.put('b', i * 10);
    }
    // Reads see the cached (unflushed) values.
    expect(store.get('a')).toBe(5);
    expect(store.all().toArray()).toEqual([
      { key: 'a', value: 5 },
      { key: 'b', value: 50 },
    ]);
    expect(context.changes).toHaveLength(0);
    expect(flushed).toHaveLength(0);
    store.flush();
    expect(flushed.map((f) => [f.key, f.newValue, f.oldValue, f.context.timestamp])).toEqual([
      ['a', 5, undefined, 1005],
      ['b', 50, undefined, 1005],
    ]);
    // Changelog records carry the timestamp of the record that last wrote the key.
    expect(context.changes.map((c) => [c.key.toString(), int.deserialize(c.value!), c.timestamp])).toEqual([
      ['a', 5, 1005],
      ['b', 50, 1005],
    ]);
    context.timestamp = 2000;
    store.put('a', 6);
    store.flush();
    expect(flushed.at(-1)).toMatchObject({ key: 'a', newValue: 6, oldValue: 5 });
    expect(context.changes).toHaveLength(3);
    store.close();
  });

  it('a delete in the cache hides the stored value and flushes as a tombstone', async () => {
    const { store, context, flushed } = await kvStore(1 << 20);
    store.put('a', 1);
    store.put('b', 2);
    store.flush();
    store.delete('a');
    expect(store.get('a')).toBeUndefined();
    expect(
      store
        .all()
        .toArray()
        .map((e) => e.key),
    ).toEqual(['b']);
    store.flush();
    expect(flushed.at(-1)).toMatchObject({ key: 'a', newValue: undefined, oldValue: 1 });
    expect(context.changes.at(-1)!.value).toBeNull();
    store.close();
  });

  it('a key put and deleted within one commit interval is not forwarded (Kafka skips null → null)', async () => {
    const { store, flushed, context } = await kvStore(1 << 20);
    store.put('gone', 1);
    store.delete('gone');
    store.put('kept', 2);
    store.flush();
    expect(flushed.map((f) => f.key)).toEqual(['kept']);
    // The changelog still gets the tombstone (the store below may have had the key).
    expect(context.changes.map((c) => [c.key.toString(), c.value === null])).toEqual([
      ['gone', true],
      ['kept', false],
    ]);
    store.close();
  });

  it('session store with caching: a merge within one commit forwards only the merged session', async () => {
    const context = new TestStoreContext({ cacheBytes: 1 << 20 });
    const builder = Stores.sessionStoreBuilder(
      Stores.inMemorySessionStore('s', 10_000),
      str,
      int,
    ).withCachingEnabled();
    const store = await openStore(() => builder.build(), context);
    const flushed: FlushedChange<Windowed<string>, number>[] = [];
    expect(store.setFlushListener((c) => flushed.push(c), true)).toBe(true);
    store.put({ key: 'k', window: { start: 0, end: 0 } }, 1);
    store.flush();
    // Next commit interval: a record at 50 (gap 100) merges [0,0] into [0,50].
    store.remove({ key: 'k', window: { start: 0, end: 0 } });
    store.put({ key: 'k', window: { start: 0, end: 50 } }, 2);
    store.flush();
    expect(
      flushed.map((f) => [f.key.window.start, f.key.window.end, f.newValue ?? null, f.oldValue ?? null]),
    ).toEqual([
      [0, 0, 1, null],
      [0, 0, null, 1], // tombstone for the merged-away session
      [0, 50, 2, null],
    ]);
    store.close();
  });

  it('cache.max.bytes.buffering = 0 switches caching off: every put goes through', async () => {
    const { store, context, listening } = await kvStore(0);
    expect(listening).toBe(false);
    store.put('a', 1);
    store.put('a', 2);
    expect(context.changes.map((c) => int.deserialize(c.value!))).toEqual([1, 2]);
    store.close();
  });

  it('a store built without caching ignores the task cache', async () => {
    const { store, context, listening } = await kvStore(1 << 20, false);
    expect(listening).toBe(false);
    store.put('a', 1);
    expect(context.changes).toHaveLength(1);
    expect(context.cache!.sizeBytes).toBe(0);
    store.close();
  });

  it('is sized in bytes: exceeding the budget evicts least-recently-used entries, flushing dirty ones first', async () => {
    // Each entry costs key + value estimate + 64 B overhead ≈ 130 B: a 1000 B cache holds ~7.
    const { store, context, flushed } = await kvStore(1000);
    const cache = context.cache as RecordCache;
    for (let i = 0; i < 50; i++) store.put(`key-${String(i).padStart(3, '0')}`, i);
    expect(cache.sizeBytes).toBeLessThanOrEqual(1000);
    expect(cache.evictions).toBeGreaterThan(0);
    // Evicting a dirty entry flushed the dirty entries (to changelog and listener) before commit.
    expect(flushed.length).toBeGreaterThan(0);
    expect(context.changes.length).toBe(flushed.length);
    // Nothing is lost: after the commit every key is readable and was logged once.
    store.flush();
    expect(new Set(context.changes.map((c) => c.key.toString())).size).toBe(50);
    expect(context.changes).toHaveLength(50);
    for (let i = 0; i < 50; i++) expect(store.get(`key-${String(i).padStart(3, '0')}`)).toBe(i);
    store.close();
  });

  it('reads refresh recency: a key read often survives eviction of colder keys', () => {
    const cache = new RecordCache(700);
    const named = cache.register('0_0/test', () => {});
    const ctx = { timestamp: 0 };
    named.put(Buffer.from('hot'), 1, false, ctx, 8);
    for (let i = 0; i < 30; i++) {
      named.put(Buffer.from(`cold-${i}`), i, false, ctx, 8);
      cache.maybeEvict(named);
      expect(named.get(Buffer.from('hot'))).toBeDefined();
    }
    expect(cache.evictions).toBeGreaterThan(20);
    expect(named.get(Buffer.from('cold-0'))).toBeUndefined();
    expect(cache.sizeBytes).toBeLessThanOrEqual(700);
  });

  it('evicting a dirty entry flushes all dirty entries of that store, in the order they were written', () => {
    const cache = new RecordCache(400);
    const flushedKeys: string[] = [];
    const named = cache.register('0_0/test', (entries) =>
      flushedKeys.push(...entries.map((e) => e.key.toString())),
    );
    const ctx = { timestamp: 0 };
    for (const k of ['a', 'b', 'c', 'd']) {
      named.put(Buffer.from(k), k, true, ctx, 20);
      cache.maybeEvict(named);
    }
    // 4 × (1 + 20 + 64) = 340 B fits; the fifth entry goes over and evicts 'a' (dirty) → flush all.
    expect(flushedKeys).toEqual([]);
    named.put(Buffer.from('e'), 'e', true, ctx, 20);
    cache.maybeEvict(named);
    expect(flushedKeys).toEqual(['a', 'b', 'c', 'd', 'e']);
    expect(cache.evictionFlushes).toBe(1);
    expect(named.dirtyCount).toBe(0);
  });

  it('window store with caching: one update per window per commit, keyed by Windowed key', async () => {
    const context = new TestStoreContext({ cacheBytes: 1 << 20 });
    const builder = Stores.windowStoreBuilder(
      Stores.inMemoryWindowStore('w', 10_000, 1000, false),
      str,
      int,
    ).withCachingEnabled();
    const store = await openStore(() => builder.build(), context);
    const flushed: FlushedChange<Windowed<string>, number>[] = [];
    expect(store.setFlushListener((c) => flushed.push(c), false)).toBe(true);
    for (let i = 0; i < 10; i++) {
      for (const start of [0, 1000]) store.put('k', (store.fetchWindow('k', start) ?? 0) + 1, start);
    }
    expect(store.fetch('k', 0, 1000).toArray()).toEqual([
      { key: 0, value: 10 },
      { key: 1000, value: 10 },
    ]);
    store.flush();
    expect(flushed.map((f) => [f.key.key, f.key.window, f.newValue])).toEqual([
      ['k', { start: 0, end: 1000 }, 10],
      ['k', { start: 1000, end: 2000 }, 10],
    ]);
    expect(context.changes).toHaveLength(2);
    store.close();
  });

  it('closing an abandoned store instance does not drop the cache of its replacement (task rebuilt)', async () => {
    const context = new TestStoreContext({ cacheBytes: 1 << 20 });
    const builder = Stores.keyValueStoreBuilder(
      Stores.inMemoryKeyValueStore('rebuilt'),
      str,
      int,
    ).withCachingEnabled();
    const old = await openStore(() => builder.build(), context);
    const replacement = await openStore(() => builder.build(), context);
    replacement.put('a', 1);
    old.close();
    replacement.flush();
    expect(context.changes.map((c) => c.key.toString())).toEqual(['a']);
    expect(replacement.get('a')).toBe(1);
    replacement.close();
    expect(context.cache!.sizeBytes).toBe(0);
  });

  it('rejects a negative budget', () => {
    expect(() => new RecordCache(-1)).toThrow(RangeError);
  });
});

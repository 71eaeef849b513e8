import { describe, expect, it } from 'vitest';
import { compositeKeyValueView } from '../../src/runtime/store-view.js';
import { type KeyValueStore, Serdes, Stores, type TypedKeyValueStore } from '../../src/state/index.js';
import { openStore, TestStoreContext } from '../state/contract/harness.js';

const str = Serdes.string();
const int = Serdes.int32();

/** One task's cached store: writes stay in the record cache until flush(). */
async function cachedStore() {
  const context = new TestStoreContext({ cacheBytes: 1 << 20 });
  const builder = Stores.keyValueStoreBuilder(
    Stores.inMemoryKeyValueStore('counts'),
    str,
    int,
  ).withCachingEnabled();
  const store = (await openStore(() => builder.build(), context)) as TypedKeyValueStore<string, number>;
  let flushes = 0;
  store.setFlushListener(() => flushes++, true);
  return { store, context, flushes: () => flushes };
}

describe('store view (KafkaStreams.store) reads through the record caches, without flushing them', () => {
  it('sees cached puts and cached deletes, and merges cache and store in key order in scans', async () => {
    const p0 = await cachedStore();
    const p1 = await cachedStore();
    // Flushed to the stores below: a, c, e (task 0) and x (task 1).
    p0.store.put('a', 1);
    p0.store.put('c', 3);
    p0.store.put('e', 5);
    p1.store.put('x', 24);
    p0.store.flush();
    p1.store.flush();
    const flushedBefore = [p0.flushes(), p1.flushes()];
    const changesBefore = [p0.context.changes.length, p1.context.changes.length];
    // Only in the caches: a new key, an update of a stored key, a delete of a stored key.
    p0.store.put('b', 2);
    p0.store.put('e', 50);
    p0.store.delete('c');
    p1.store.put('y', 25);
    p1.store.delete('x');

    const view = compositeKeyValueView<string, number>('counts', () => [
      p0.store as unknown as KeyValueStore<string, number>,
      p1.store as unknown as KeyValueStore<string, number>,
    ]);
    expect(view.get('b')).toBe(2);
    expect(view.get('e')).toBe(50);
    expect(view.get('c')).toBeUndefined();
    expect(view.get('x')).toBeUndefined();
    expect(view.get('y')).toBe(25);
    // Each task's part in key order, cache and store merged, deletes hidden.
    expect(view.all().toArray()).toEqual([
      { key: 'a', value: 1 },
      { key: 'b', value: 2 },
      { key: 'e', value: 50 },
      { key: 'y', value: 25 },
    ]);
    expect(view.range('b', 'e').toArray()).toEqual([
      { key: 'b', value: 2 },
      { key: 'e', value: 50 },
    ]);
    // The reads flushed nothing: no forwarded update, no changelog record.
    expect([p0.flushes(), p1.flushes()]).toEqual(flushedBefore);
    expect([p0.context.changes.length, p1.context.changes.length]).toEqual(changesBefore);
    p0.store.close();
    p1.store.close();
  });
});

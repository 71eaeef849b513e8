import { describe, expect, it } from 'vitest';
import { Serdes, Stores } from '../../src/state/index.js';
import { openStore, TestStoreContext } from './contract/harness.js';

const str = Serdes.string();

describe('change logging and restore', () => {
  it('a key-value store restored from its changelog equals the original (tombstones included)', async () => {
    const source = new TestStoreContext();
    const builder = Stores.keyValueStoreBuilder(Stores.inMemoryKeyValueStore('kv'), str, str);
    const store = await openStore(() => builder.build(), source);
    source.timestamp = 42;
    store.put('a', '1');
    store.put('b', '2');
    store.put('a', '3');
    store.delete('b');
    store.putIfAbsent('c', '4');
    store.putIfAbsent('c', 'ignored');
    expect(
      source.changes.map((c) => [c.store, c.key.toString(), c.value?.toString() ?? null, c.timestamp]),
    ).toEqual([
      ['kv', 'a', '1', 42],
      ['kv', 'b', '2', 42],
      ['kv', 'a', '3', 42],
      ['kv', 'b', null, 42],
      ['kv', 'c', '4', 42],
    ]);

    const target = new TestStoreContext();
    const restored = await openStore(() => builder.build(), target);
    target.lifecycles.get('kv')!.restore(source.changes);
    expect(restored.all().toArray()).toEqual(store.all().toArray());
    // Restoring does not log again.
    expect(target.changes).toHaveLength(0);
  });

  it('a window store restores from composite changelog keys, duplicates included', async () => {
    const source = new TestStoreContext();
    const builder = Stores.windowStoreBuilder(Stores.inMemoryWindowStore('w', 10_000, 100, true), str, str);
    const store = await openStore(() => builder.build(), source);
    store.put('k', 'x', 100);
    store.put('k', 'y', 100);
    store.put('j', 'z', 200);
    const target = new TestStoreContext();
    const restored = await openStore(() => builder.build(), target);
    target.lifecycles.get('w')!.restore(source.changes);
    expect(restored.fetchAll(0, 1000).toArray()).toEqual(store.fetchAll(0, 1000).toArray());
    expect(
      restored
        .fetch('k', 100, 100)
        .toArray()
        .map((e) => e.value),
    ).toEqual(['x', 'y']);
  });

  it('logging disabled: nothing reaches the changelog', async () => {
    const context = new TestStoreContext();
    const builder = Stores.keyValueStoreBuilder(
      Stores.inMemoryKeyValueStore('quiet'),
      str,
      str,
    ).withLoggingDisabled();
    const store = await openStore(() => builder.build(), context);
    store.put('a', '1');
    expect(context.changes).toHaveLength(0);
    expect(builder.loggingEnabled).toBe(false);
  });

  it('window store builders put the retention into the changelog topic config', () => {
    const builder = Stores.windowStoreBuilder(
      Stores.inMemoryWindowStore('w', 86_700_000, 86_400_000, false),
      str,
      str,
    );
    expect(builder.logConfig).toEqual({ 'retention.ms': '86700000' });
    builder.withLoggingEnabled({ 'cleanup.policy': 'compact,delete' });
    expect(builder.logConfig).toEqual({ 'retention.ms': '86700000', 'cleanup.policy': 'compact,delete' });
  });

  it('builders default to logging on and caching off, as Kafka Streams', () => {
    const builder = Stores.keyValueStoreBuilder(Stores.inMemoryKeyValueStore('d'), str, str);
    expect([builder.loggingEnabled, builder.cachingEnabled]).toEqual([true, false]);
    builder.withCachingEnabled().withLoggingDisabled();
    expect([builder.loggingEnabled, builder.cachingEnabled]).toEqual([false, true]);
    // Each build() is a new instance (one per task).
    expect(builder.build()).not.toBe(builder.build());
  });

  it('rejects a window store whose retention is shorter than its window', () => {
    expect(() => Stores.inMemoryWindowStore('w', 1000, 2000, false)).toThrow(/retention/);
  });
});

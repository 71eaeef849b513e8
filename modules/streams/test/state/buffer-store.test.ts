import { describe, expect, it } from 'vitest';
import { InMemoryBufferStore, KeyValueBufferStore, Stores } from '../../src/state/index.js';
import { openStore, TestStoreContext } from './contract/harness.js';

const b = (s: string) => Buffer.from(s);
const text = (entries: { key: Buffer; value: Buffer }[]) => entries.map((e) => `${e.key}=${e.value}`);

describe('buffer stores (the suppression buffer durable side)', () => {
  it('in memory: writes go to the changelog only; the store keeps nothing while running', async () => {
    const context = new TestStoreContext();
    const store = await openStore(
      () => Stores.bufferStoreBuilder(Stores.inMemoryKeyValueStore('buf')).build(),
      context,
    );
    expect(store).toBeInstanceOf(InMemoryBufferStore);
    expect(store.isDurable()).toBe(true);
    expect(store.takeAll(), 'the processor takes what was restored (nothing) before it writes').toEqual([]);
    context.timestamp = 7;
    store.put(b('k1'), b('v1'));
    store.put(b('k2'), b('v2'));
    store.put(b('k1'), null);
    expect(context.changes.map((c) => [c.store, `${c.key}`, c.value && `${c.value}`, c.timestamp])).toEqual([
      ['buf', 'k1', 'v1', 7],
      ['buf', 'k2', 'v2', 7],
      ['buf', 'k1', null, 7],
    ]);
    expect(store.approximateNumEntries()).toBe(0);
    expect(store.takeAll()).toEqual([]);
    // The store-size metric is the buffer's size, as its processor reports it.
    let buffered = 3;
    store.reportSize(() => buffered);
    expect(store.approximateNumEntries()).toBe(3);
    buffered = 1;
    expect(store.approximateNumEntries()).toBe(1);
  });

  it('in memory: restored records are folded per key (tombstones remove), handed over once in byte order', async () => {
    const context = new TestStoreContext();
    const store = await openStore(
      () => Stores.bufferStoreBuilder(Stores.inMemoryKeyValueStore('buf')).build(),
      context,
    );
    context.lifecycles.get('buf')!.restore([
      { key: b('b'), value: b('1') },
      { key: b('a'), value: b('1') },
      { key: b('c'), value: b('1') },
      { key: b('b'), value: b('2') },
      { key: b('c'), value: null },
    ]);
    expect(store.approximateNumEntries()).toBe(2);
    // A write before the processor takes the entries changes what it takes.
    store.put(b('\u00ff'), b('3'));
    expect(text(store.takeAll())).toEqual(['a=1', 'b=2', `${b('\u00ff')}=3`]);
    expect(store.takeAll(), 'taken once').toEqual([]);
    expect(context.changes).toHaveLength(1);
  });

  it('in memory: writes before the take change what is taken, even once deletes emptied the restored entries', async () => {
    const context = new TestStoreContext();
    const store = await openStore(
      () => Stores.bufferStoreBuilder(Stores.inMemoryKeyValueStore('buf')).build(),
      context,
    );
    context.lifecycles.get('buf')!.restore([{ key: b('a'), value: b('1') }]);
    store.put(b('a'), null);
    store.put(b('b'), b('2'));
    expect(text(store.takeAll())).toEqual(['b=2']);
  });

  it('in memory: not durable without a changelog — logging off, or a runtime that writes none', async () => {
    const quiet = await openStore(
      () => Stores.bufferStoreBuilder(Stores.inMemoryKeyValueStore('q')).withLoggingDisabled().build(),
      new TestStoreContext(),
    );
    expect(quiet.isDurable()).toBe(false);
    const noRuntimeLog = new TestStoreContext();
    Object.defineProperty(noRuntimeLog, 'logChange', { value: undefined });
    const store = await openStore(
      () => Stores.bufferStoreBuilder(Stores.inMemoryKeyValueStore('n')).build(),
      noRuntimeLog,
    );
    expect(store.isDurable()).toBe(false);
    store.put(b('k'), b('v'));
    expect(noRuntimeLog.changes).toEqual([]);
  });

  it('over a persistent backend: a change-logged key-value store of its own, always durable', async () => {
    const context = new TestStoreContext();
    const persistent = Stores.inMemoryKeyValueStore('p');
    // A persistent supplier (Redis in production); in-memory bytes flagged persistent stand in for it here.
    const supplier = {
      ...persistent,
      get: () => Object.assign(persistent.get(), { persistent: true }),
    };
    const store = await openStore(() => Stores.bufferStoreBuilder(supplier).build(), context);
    expect(store).toBeInstanceOf(KeyValueBufferStore);
    expect(store.isDurable()).toBe(true);
    store.put(b('b'), b('2'));
    store.put(b('a'), b('1'));
    store.put(b('c'), b('3'));
    store.put(b('c'), null);
    expect(text(store.takeAll())).toEqual(['a=1', 'b=2']);
    expect(text(store.takeAll()), 'the copy stays: it is the persisted data').toEqual(['a=1', 'b=2']);
    expect(context.changes).toHaveLength(4);
  });
});

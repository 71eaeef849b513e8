import { describe, expect, it } from 'vitest';
import {
  InvalidStateStoreError,
  type SegmentedBytesStore,
  type Serde,
  Serdes,
  Stores,
  type TypedWindowStore,
} from '../../../src/state/index.js';
import { type BackendFixture, openStore, reopen, storeName, TestStoreContext } from './harness.js';

const str = Serdes.string();
const int = Serdes.int32();

type Row<K> = { key: K; start: number; value: string };

/**
 * The window store contract (Kafka Streams' WindowStore / ReadOnlyWindowStore javadoc), run
 * against every backend. Time ranges are inclusive at both ends; windows are [start, start+size).
 */
export function windowStoreContract(fixture: BackendFixture, options: { cacheBytes?: number } = {}): void {
  const label = `WindowStore contract [${fixture.name}${options.cacheBytes ? `, cache ${options.cacheBytes} B` : ''}]`;

  async function open<K>(
    keySerde: Serde<K>,
    params: { retention?: number; size?: number; dup?: boolean } = {},
  ) {
    const context = new TestStoreContext({ cacheBytes: options.cacheBytes });
    const supplier = fixture
      .backend()
      .window(storeName('win'), params.retention ?? 10_000, params.size ?? 100, params.dup ?? false);
    // Capture the innermost store so tests can look at its segments.
    const inners: SegmentedBytesStore[] = [];
    const capturing = { ...supplier, get: () => inners[inners.push(supplier.get()) - 1]! };
    const builder = Stores.windowStoreBuilder(capturing, keySerde, str);
    if (options.cacheBytes) builder.withCachingEnabled();
    const build = (): TypedWindowStore<K, string> => builder.build();
    const store = await openStore(build, context);
    return {
      store,
      context,
      supplier,
      inner: () => inners[inners.length - 1]! as SegmentedBytesStore & { segmentIds(): readonly number[] },
      reopen: (s: TypedWindowStore<K, string>) => reopen(fixture, s, build, context),
    };
  }

  const rows = <K>(it: Iterable<{ key: { key: K; window: { start: number } }; value: string }>): Row<K>[] =>
    [...it].map((e) => ({ key: e.key.key, start: e.key.window.start, value: e.value }));

  describe(label, () => {
    it('fetch(key, from, to) returns that key’s windows, both time bounds inclusive, ascending', async () => {
      let { store, reopen } = await open<string>(str);
      for (const t of [0, 100, 200, 300, 400]) store.put('k', `k@${t}`, t);
      store.put('other', 'o@200', 200);
      store = await reopen(store);
      expect(store.fetch('k', 100, 300).toArray()).toEqual([
        { key: 100, value: 'k@100' },
        { key: 200, value: 'k@200' },
        { key: 300, value: 'k@300' },
      ]);
      expect(
        store
          .backwardFetch('k', 100, 300)
          .toArray()
          .map((e) => e.key),
      ).toEqual([300, 200, 100]);
      expect(store.fetch('k', 301, 399).toArray()).toEqual([]);
      expect(store.fetch('k', 300, 100).toArray()).toEqual([]);
      expect(store.fetchWindow('k', 200)).toBe('k@200');
      expect(store.fetchWindow('k', 250)).toBeUndefined();
      store.close();
    });

    it('a longer key sharing the prefix is not returned for the shorter key', async () => {
      let { store, reopen } = await open<string>(str);
      store.put('a', 'short', 100);
      // 'a' + bytes that look like a timestamp: falls inside the byte range of key 'a'.
      store.put('a\u0000\u0000', 'long', 100);
      store = await reopen(store);
      expect(store.fetch('a', 0, 1000).toArray()).toEqual([{ key: 100, value: 'short' }]);
      store.close();
    });

    it('fetchRange / fetchAll: key and time bounds inclusive, windows carry [start, start + size)', async () => {
      let { store, reopen } = await open<string>(str);
      for (const k of ['a', 'b', 'c', 'd']) for (const t of [0, 100, 200]) store.put(k, `${k}@${t}`, t);
      store = await reopen(store);
      expect(rows(store.fetchRange('b', 'c', 100, 200))).toEqual([
        { key: 'b', start: 100, value: 'b@100' },
        { key: 'b', start: 200, value: 'b@200' },
        { key: 'c', start: 100, value: 'c@100' },
        { key: 'c', start: 200, value: 'c@200' },
      ]);
      expect(rows(store.fetchRange('c', 'b', 0, 200))).toEqual([]);
      const all = store.fetchAll(100, 100).toArray();
      expect(all.map((e) => e.key.key)).toEqual(['a', 'b', 'c', 'd']);
      expect(all[0]!.key.window).toEqual({ start: 100, end: 200 });
      expect(rows(store.backwardFetchAll(0, 200))).toEqual(rows(store.fetchAll(0, 200)).reverse());
      expect(rows(store.backwardFetchRange('a', 'b', 0, 100))).toEqual(
        rows(store.fetchRange('a', 'b', 0, 100)).reverse(),
      );
      expect(store.all().toArray()).toHaveLength(12);
      store.close();
    });

    it('keys order by serialized bytes within a time segment (int32: -1 after 1)', async () => {
      let { store, reopen } = await open<number>(int);
      for (const k of [-1, 1, 0, 300]) store.put(k, `v${k}`, 500);
      store = await reopen(store);
      expect(
        store
          .fetchAll(0, 1000)
          .toArray()
          .map((e) => e.key.key),
      ).toEqual([0, 1, 300, -1]);
      store.close();
    });

    it('put(key, null) deletes the window', async () => {
      let { store, reopen } = await open<string>(str);
      store.put('k', 'v', 100);
      store.put('k', 'w', 200);
      store = await reopen(store);
      store.put('k', null, 100);
      store = await reopen(store);
      expect(store.fetch('k', 0, 1000).toArray()).toEqual([{ key: 200, value: 'w' }]);
      store.close();
    });

    it('retention: windows with start ≤ stream time − retention vanish; whole segments are dropped', async () => {
      const context = new TestStoreContext({ cacheBytes: options.cacheBytes });
      // Retention 1000 ms in segments of 500 ms.
      const supplier = fixture.backend().window(storeName('ret'), 1000, 100, false, 500);
      expect(supplier.segmentIntervalMs).toBe(500);
      let inner!: SegmentedBytesStore & { segmentIds(): readonly number[] };
      const builder = Stores.windowStoreBuilder(
        { ...supplier, get: () => (inner = supplier.get() as typeof inner) },
        str,
        str,
      );
      if (options.cacheBytes) builder.withCachingEnabled();
      const build = () => builder.build();
      let store = await openStore(build, context);
      for (let t = 0; t <= 1400; t += 100) store.put('k', `v${t}`, t);
      store = await reopen(fixture, store, build, context);
      store.flush();
      // Stream time 1400: live windows start after 400; segment 0 ([0, 500)) still holds 401..499.
      expect(
        store
          .fetch('k', 0, 2000)
          .toArray()
          .map((e) => e.key),
      ).toEqual([500, 600, 700, 800, 900, 1000, 1100, 1200, 1300, 1400]);
      expect(store.fetchWindow('k', 400)).toBeUndefined();
      expect(inner.segmentIds()).toEqual([0, 1, 2]);
      // Stream time 1500: nothing in segment 0 can be live → it is dropped as a whole.
      store.put('k', 'v1500', 1500);
      store.flush();
      expect(inner.segmentIds()).toEqual([1, 2, 3]);
      expect(
        store
          .fetch('k', 0, 600)
          .toArray()
          .map((e) => e.key),
      ).toEqual([600]);
      // A put into an expired window is dropped.
      store.put('k', 'late', 300);
      store.flush();
      expect(store.fetch('k', 0, 499).toArray()).toEqual([]);
      store.put('k', 'v2100', 2100);
      store = await reopen(fixture, store, build, context);
      store.flush();
      expect(inner.segmentIds()).toEqual([2, 3, 4]);
      expect(
        store
          .fetch('k', 0, 3000)
          .toArray()
          .map((e) => e.key),
      ).toEqual([1200, 1300, 1400, 1500, 2100]);
      store.close();
    });

    it('default segment interval is max(retention / 2, 60 s), as Kafka Streams', async () => {
      expect(
        fixture.backend().window(storeName('seg'), 86_700_000, 86_400_000, false).segmentIntervalMs,
      ).toBe(43_350_000);
      expect(fixture.backend().window(storeName('seg'), 60_000, 60_000, false).segmentIntervalMs).toBe(
        60_000,
      );
    });

    it('retainDuplicates keeps every put of the same key and window (stream-stream join buffers)', async () => {
      let { store, reopen } = await open<string>(str, { dup: true });
      store.put('k', 'first', 100);
      store.put('k', 'second', 100);
      store.put('k', null, 100); // ignored with duplicates
      store = await reopen(store);
      expect(store.fetch('k', 100, 100).toArray()).toEqual([
        { key: 100, value: 'first' },
        { key: 100, value: 'second' },
      ]);
      store.close();
    });

    it('iterators throw after close and when the store closes', async () => {
      const { store } = await open<string>(str);
      store.put('k', 'v', 1);
      const it = store.fetch('k', 0, 10);
      it.close();
      expect(() => it.next()).toThrow(InvalidStateStoreError);
      const it2 = store.fetchAll(0, 10);
      store.close();
      expect(() => it2.hasNext()).toThrow(InvalidStateStoreError);
    });
  });
}

import { describe, expect, it } from 'vitest';
import {
  InvalidStateStoreError,
  type Serde,
  Serdes,
  Stores,
  type TypedKeyValueStore,
} from '../../../src/state/index.js';
import { type BackendFixture, openStore, reopen, storeName, TestStoreContext } from './harness.js';

const str = Serdes.string();
const int = Serdes.int32();
const bytes = Serdes.bytes();

/**
 * The key-value store contract (Kafka Streams' ReadOnlyKeyValueStore / KeyValueStore javadoc),
 * run against every backend, with the record cache off and on.
 */
export function keyValueStoreContract(fixture: BackendFixture, options: { cacheBytes?: number } = {}): void {
  const label = `KeyValueStore contract [${fixture.name}${options.cacheBytes ? `, cache ${options.cacheBytes} B` : ''}]`;

  async function open<K, V>(keySerde: Serde<K>, valueSerde: Serde<V>) {
    const context = new TestStoreContext({ cacheBytes: options.cacheBytes });
    const supplier = fixture.backend().keyValue(storeName('kv'));
    const builder = Stores.keyValueStoreBuilder(supplier, keySerde, valueSerde);
    if (options.cacheBytes) builder.withCachingEnabled();
    const build = (): TypedKeyValueStore<K, V> => builder.build();
    const store = await openStore(build, context);
    return { store, context, reopen: (s: TypedKeyValueStore<K, V>) => reopen(fixture, s, build, context) };
  }

  describe(label, () => {
    it('put/get, put(null) deletes, delete returns the old value', async () => {
      let { store, reopen } = await open<string, string>(str, str);
      store.put('a', '1');
      store.put('b', '2');
      store.put('c', '3');
      store.put('b', null);
      store = await reopen(store);
      expect(store.get('a')).toBe('1');
      expect(store.get('b')).toBeUndefined();
      expect(store.delete('a')).toBe('1');
      expect(store.delete('a')).toBeUndefined();
      expect(store.delete('missing')).toBeUndefined();
      store = await reopen(store);
      expect(store.get('a')).toBeUndefined();
      expect(store.get('c')).toBe('3');
      store.close();
    });

    it('putIfAbsent keeps the existing value and returns it; putAll writes and deletes', async () => {
      let { store, reopen } = await open<string, string>(str, str);
      expect(store.putIfAbsent('k', 'first')).toBeUndefined();
      expect(store.putIfAbsent('k', 'second')).toBe('first');
      store.putAll([
        { key: 'x', value: '1' },
        { key: 'y', value: '2' },
        { key: 'k', value: null },
      ]);
      store = await reopen(store);
      expect(store.get('k')).toBeUndefined();
      expect(store.all().toArray()).toEqual([
        { key: 'x', value: '1' },
        { key: 'y', value: '2' },
      ]);
      store.close();
    });

    it('orders keys by serialized bytes: big-endian int32 puts negatives after positives', async () => {
      let { store, reopen } = await open<number, string>(int, str);
      const keys = [-1, 1, 256, -256, 0, 2147483647, -2147483648, 65536];
      for (const k of keys) store.put(k, `v${k}`);
      store = await reopen(store);
      // Unsigned byte order of two's complement: 0 < 1 < 256 < 65536 < MAX < MIN < -256 < -1.
      const expected = [0, 1, 256, 65536, 2147483647, -2147483648, -256, -1];
      expect(
        store
          .all()
          .toArray()
          .map((e) => e.key),
      ).toEqual(expected);
      expect(
        store
          .reverseAll()
          .toArray()
          .map((e) => e.key),
      ).toEqual([...expected].reverse());
      // A numeric range across the sign boundary is a byte range: 1 → -256 covers the large ones.
      expect(
        store
          .range(1, -256)
          .toArray()
          .map((e) => e.key),
      ).toEqual([1, 256, 65536, 2147483647, -2147483648, -256]);
      store.close();
    });

    it('orders multi-byte UTF-8 keys by bytes, not by UTF-16 code units', async () => {
      let { store, reopen } = await open<string, string>(str, str);
      // UTF-16: '😀' (D83D…) < 'ｶ' (FF76); UTF-8 bytes: 'ｶ' (EF BD B6) < '😀' (F0 9F 98 80).
      for (const k of ['😀', 'ｶ', 'é', 'z', 'A']) store.put(k, k);
      store = await reopen(store);
      expect(
        store
          .all()
          .toArray()
          .map((e) => e.key),
      ).toEqual(['A', 'z', 'é', 'ｶ', '😀']);
      store.close();
    });

    it('range(from, to) includes both ends, bounds need not exist, undefined is open', async () => {
      let { store, reopen } = await open<string, string>(str, str);
      for (const k of ['a', 'b', 'c', 'd', 'e']) store.put(k, k.toUpperCase());
      store = await reopen(store);
      expect(store.range('b', 'd').toArray()).toEqual([
        { key: 'b', value: 'B' },
        { key: 'c', value: 'C' },
        { key: 'd', value: 'D' },
      ]);
      expect(
        store
          .range('bb', 'dd')
          .toArray()
          .map((e) => e.key),
      ).toEqual(['c', 'd']);
      expect(
        store
          .range(undefined, 'b')
          .toArray()
          .map((e) => e.key),
      ).toEqual(['a', 'b']);
      expect(
        store
          .range('d', undefined)
          .toArray()
          .map((e) => e.key),
      ).toEqual(['d', 'e']);
      expect(
        store
          .range('c', 'c')
          .toArray()
          .map((e) => e.key),
      ).toEqual(['c']);
      store.close();
    });

    it('range with from > to returns nothing (Kafka Streams returns an empty iterator)', async () => {
      const { store } = await open<string, string>(str, str);
      for (const k of ['a', 'b', 'c']) store.put(k, k);
      expect(store.range('c', 'a').toArray()).toEqual([]);
      expect(store.reverseRange('c', 'a').toArray()).toEqual([]);
      store.close();
    });

    it('reverseRange and reverseAll iterate in descending byte order', async () => {
      let { store, reopen } = await open<string, string>(str, str);
      for (const k of ['a', 'b', 'c', 'd']) store.put(k, k);
      store = await reopen(store);
      expect(
        store
          .reverseRange('b', 'd')
          .toArray()
          .map((e) => e.key),
      ).toEqual(['d', 'c', 'b']);
      expect(
        store
          .reverseAll()
          .toArray()
          .map((e) => e.key),
      ).toEqual(['d', 'c', 'b', 'a']);
      store.close();
    });

    it('prefixScan returns exactly the keys starting with the serialized prefix', async () => {
      let { store, reopen } = await open<string, string>(str, str);
      for (const k of ['a', 'ab', 'abc', 'abd', 'ac', 'b', 'aa']) store.put(k, k);
      store = await reopen(store);
      expect(
        store
          .prefixScan('ab', str)
          .toArray()
          .map((e) => e.key),
      ).toEqual(['ab', 'abc', 'abd']);
      expect(store.prefixScan('x', str).toArray()).toEqual([]);
      store.close();
    });

    it('prefixScan over a 0xff prefix has no upper bound to overflow', async () => {
      let { store, reopen } = await open<Buffer, string>(bytes, str);
      const keys = [
        Buffer.from([0xfe]),
        Buffer.from([0xff]),
        Buffer.from([0xff, 0x00]),
        Buffer.from([0xff, 0xff]),
      ];
      for (const k of keys) store.put(k, k.toString('hex'));
      store = await reopen(store);
      expect(
        store
          .prefixScan(Buffer.from([0xff]), bytes)
          .toArray()
          .map((e) => e.value),
      ).toEqual(['ff', 'ff00', 'ffff']);
      store.close();
    });

    it('ranges over many keys cross iteration batches without gaps', async () => {
      let { store, reopen } = await open<number, string>(int, str);
      // 1200 keys: many iteration batches (64 entries each).
      for (let i = 0; i < 1200; i++) store.put(i, `v${i}`);
      store = await reopen(store);
      const keys = store
        .range(100, 1149)
        .toArray()
        .map((e) => e.key);
      expect(keys).toEqual(Array.from({ length: 1050 }, (_, i) => 100 + i));
      expect(
        store
          .reverseRange(100, 1149)
          .toArray()
          .map((e) => e.key),
      ).toEqual([...keys].reverse());
      expect(store.all().toArray()).toHaveLength(1200);
      store.close();
    });

    it('approximateNumEntries counts stored keys', async () => {
      let { store, reopen } = await open<string, string>(str, str);
      for (let i = 0; i < 100; i++) store.put(`k${i}`, 'v');
      store.delete('k0');
      store = await reopen(store);
      store.flush();
      expect(store.approximateNumEntries()).toBe(99);
      store.close();
    });

    it('iterators: usable as JS iterables, peekNextKey, throw after close; closing the store closes them', async () => {
      const { store } = await open<string, string>(str, str);
      for (const k of ['a', 'b', 'c']) store.put(k, k);
      const it1 = store.all();
      expect(it1.hasNext()).toBe(true);
      expect(it1.peekNextKey()).toBe('a');
      expect(it1.next().value).toEqual({ key: 'a', value: 'a' });
      it1.close();
      expect(() => it1.hasNext()).toThrow(InvalidStateStoreError);
      expect(() => it1.next()).toThrow(InvalidStateStoreError);

      const seen: string[] = [];
      const it2 = store.all();
      for (const { key } of it2) {
        seen.push(key);
        if (key === 'b') break;
      }
      expect(seen).toEqual(['a', 'b']);
      expect(() => it2.next()).toThrow(InvalidStateStoreError); // break closed it

      const it3 = store.range('a', 'c');
      store.close();
      expect(() => it3.next()).toThrow(InvalidStateStoreError);
      expect(() => store.get('a')).toThrow(InvalidStateStoreError);
    });

    it('an entry deleted while iterating is skipped; values are read live', async () => {
      const { store } = await open<string, string>(str, str);
      for (const k of ['a', 'b', 'c']) store.put(k, k);
      store.flush();
      const it = store.all();
      expect(it.next().value).toEqual({ key: 'a', value: 'a' });
      store.delete('b');
      store.put('c', 'C');
      expect(it.toArray()).toEqual([{ key: 'c', value: 'C' }]);
      store.close();
    });
  });
}

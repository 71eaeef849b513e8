import { describe, expect, it } from 'vitest';
import {
  Serdes,
  Stores,
  type TypedKeyValueStore,
  type Windowed,
  windowedKeyRange,
  windowedKeySerde,
} from '../../../src/state/index.js';
import { type BackendFixture, openStore, reopen, storeName, TestStoreContext } from './harness.js';

const MINUTE = 60_000;
const T0 = Date.UTC(2024, 0, 1);
const at = (key: string, minute: number): Windowed<string> => ({
  key,
  window: { start: T0 + minute * MINUTE, end: T0 + (minute + 1) * MINUTE },
});

/**
 * A key-value store keyed by `windowedKeySerde` (a windowed table's materialization): one key's
 * windows read as one `range` (`windowedKeyRange`), in start order, on every backend.
 */
export function windowedKeyContract(fixture: BackendFixture): void {
  async function open() {
    const context = new TestStoreContext();
    const supplier = fixture.backend().keyValue(storeName('windowed-kv'));
    const builder = Stores.keyValueStoreBuilder(supplier, windowedKeySerde(Serdes.string()), Serdes.string());
    const build = (): TypedKeyValueStore<Windowed<string>, string> => builder.build();
    const store = await openStore(build, context);
    return {
      store,
      reopen: (s: TypedKeyValueStore<Windowed<string>, string>) => reopen(fixture, s, build, context),
    };
  }

  const read = (
    store: TypedKeyValueStore<Windowed<string>, string>,
    key: string,
    from: number,
    to: number,
  ) => {
    const { from: low, to: high } = windowedKeyRange(key, from, to);
    const it = store.range(low, high);
    try {
      return [...it].map((e) => `${e.key.key}@${(e.key.window.start - T0) / MINUTE}=${e.value}`);
    } finally {
      it.close();
    }
  };

  describe(`windowed-key store [${fixture.name}]`, () => {
    it('serializes key first, then start and end, and reads back what it wrote', () => {
      const serde = windowedKeySerde(Serdes.string());
      const bytes = serde.serialize(at('k', 3));
      expect(bytes.subarray(0, 1).toString()).toBe('k');
      expect(serde.deserialize(bytes)).toEqual(at('k', 3));
      expect(() => serde.deserialize(Buffer.alloc(3))).toThrow(/shorter than its 16-byte window/);
    });

    it("a key's windows in a start range come back as one range, in start order, other keys left out", async () => {
      let { store, reopen } = await open();
      // written out of order, with neighbours before and after `b` and a longer key sharing its prefix
      for (const m of [5, 1, 3, 0, 4, 2]) {
        store.put(at('b', m), `b${m}`);
        store.put(at('a', m), `a${m}`);
        store.put(at('bb', m), `bb${m}`);
        store.put(at('c', m), `c${m}`);
      }
      store = await reopen(store);
      expect(read(store, 'b', 0, Number.MAX_SAFE_INTEGER)).toEqual([
        'b@0=b0',
        'b@1=b1',
        'b@2=b2',
        'b@3=b3',
        'b@4=b4',
        'b@5=b5',
      ]);
      expect(read(store, 'b', T0 + 2 * MINUTE, T0 + 4 * MINUTE)).toEqual(['b@2=b2', 'b@3=b3', 'b@4=b4']);
      expect(read(store, 'b', T0 + 4 * MINUTE + 1, T0 + 5 * MINUTE)).toEqual(['b@5=b5']);
      expect(read(store, 'missing', 0, Number.MAX_SAFE_INTEGER)).toEqual([]);
      store.close();
    });

    it('a deleted window is gone from the range', async () => {
      let { store, reopen } = await open();
      for (const m of [0, 1, 2]) store.put(at('k', m), `v${m}`);
      store.delete(at('k', 1));
      store = await reopen(store);
      expect(read(store, 'k', 0, Number.MAX_SAFE_INTEGER)).toEqual(['k@0=v0', 'k@2=v2']);
      store.close();
    });
  });
}

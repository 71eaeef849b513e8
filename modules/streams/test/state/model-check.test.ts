import { describe, expect, it } from 'vitest';
import { Serdes, Stores } from '../../src/state/index.js';
import { openStore, TestStoreContext } from './contract/harness.js';

/** Deterministic pseudo-random numbers (xorshift), so a failure reproduces. */
function random(seed: number): () => number {
  let x = seed;
  return () => {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    return (x >>> 0) / 0x1_0000_0000;
  };
}

const str = Serdes.string();
const byteOrder = (a: string, b: string) => Buffer.compare(Buffer.from(a), Buffer.from(b));

/**
 * Random operations against a reference model (a Map sorted on read): the cache (tiny, small,
 * large, off), its merge with the store below, eviction, flushes and the typed-key index must
 * never change what reads return, and the changelog replayed must rebuild the same state.
 */
describe('stores agree with a reference model under random operations', () => {
  for (const cacheBytes of [0, 400, 4000, 1 << 20]) {
    it(`key-value store, cache ${cacheBytes} B`, async () => {
      const rnd = random(1234 + cacheBytes);
      const context = new TestStoreContext({ cacheBytes });
      const builder = Stores.keyValueStoreBuilder(
        Stores.inMemoryKeyValueStore('model'),
        str,
        str,
      ).withCachingEnabled();
      const store = await openStore(() => builder.build(), context);
      const model = new Map<string, string>();
      const key = () => `k${Math.floor(rnd() * 60)}${rnd() < 0.2 ? 'é' : ''}`;
      for (let op = 0; op < 2000; op++) {
        const r = rnd();
        const k = key();
        if (r < 0.45) {
          store.put(k, `v${op}`);
          model.set(k, `v${op}`);
        } else if (r < 0.6) {
          expect(store.delete(k)).toBe(model.get(k));
          model.delete(k);
        } else if (r < 0.7) {
          expect(store.putIfAbsent(k, `p${op}`)).toBe(model.get(k));
          if (!model.has(k)) model.set(k, `p${op}`);
        } else if (r < 0.85) {
          expect(store.get(k)).toBe(model.get(k));
        } else if (r < 0.95) {
          const [a, b] = [key(), key()].sort(byteOrder);
          const expected = [...model.keys()]
            .filter((x) => byteOrder(x, a!) >= 0 && byteOrder(x, b!) <= 0)
            .sort(byteOrder);
          const reverse = rnd() < 0.5;
          const got = (reverse ? store.reverseRange(a, b) : store.range(a, b)).toArray().map((e) => e.key);
          expect(got).toEqual(reverse ? expected.reverse() : expected);
        } else {
          store.flush();
        }
      }
      store.flush();
      expect(store.all().toArray()).toEqual(
        [...model.entries()].sort(([a], [b]) => byteOrder(a, b)).map(([key, value]) => ({ key, value })),
      );
      // The changelog alone rebuilds the same state.
      const replay = new TestStoreContext();
      const restored = await openStore(() => builder.build(), replay);
      replay.lifecycles.get('model')!.restore(context.changes);
      expect(restored.all().toArray()).toEqual(store.all().toArray());
    });

    it(`window store, cache ${cacheBytes} B`, async () => {
      const rnd = random(99 + cacheBytes);
      const context = new TestStoreContext({ cacheBytes });
      const builder = Stores.windowStoreBuilder(
        Stores.inMemoryWindowStore('wmodel', 5000, 100, false, 1000),
        str,
        str,
      ).withCachingEnabled();
      const store = await openStore(() => builder.build(), context);
      const model = new Map<string, { key: string; start: number; value: string }>();
      let streamTime = 0;
      for (let op = 0; op < 2000; op++) {
        const k = `k${Math.floor(rnd() * 20)}`;
        // Time mostly advances, sometimes jumps back (late data, possibly expired).
        const start = Math.max(
          0,
          Math.floor(streamTime + (rnd() - 0.8) * 1000) - (Math.floor(streamTime) % 100),
        );
        const r = rnd();
        if (r < 0.55) {
          store.put(k, `v${op}`, start);
          streamTime = Math.max(streamTime, start);
          if (start > streamTime - 5000) model.set(`${k}@${start}`, { key: k, start, value: `v${op}` });
        } else if (r < 0.65) {
          store.put(k, null, start);
          streamTime = Math.max(streamTime, start);
          model.delete(`${k}@${start}`);
        } else if (r < 0.8) {
          const live = start > streamTime - 5000 ? model.get(`${k}@${start}`)?.value : undefined;
          expect(store.fetchWindow(k, start)).toBe(live);
        } else if (r < 0.95) {
          const from = Math.max(0, start - 1500);
          const expected = [...model.values()]
            .filter((w) => w.key === k && w.start >= from && w.start <= start && w.start > streamTime - 5000)
            .sort((a, b) => a.start - b.start)
            .map((w) => ({ key: w.start, value: w.value }));
          expect(store.fetch(k, from, start).toArray()).toEqual(expected);
        } else {
          store.flush();
        }
      }
      store.flush();
      const live = [...model.values()].filter((w) => w.start > streamTime - 5000);
      expect(store.fetchAll(0, Number.MAX_SAFE_INTEGER).toArray().length).toBe(live.length);
    });
  }
});

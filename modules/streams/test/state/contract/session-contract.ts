import { describe, expect, it } from 'vitest';
import { Serdes, Stores, type TypedSessionStore, type Windowed } from '../../../src/state/index.js';
import { type BackendFixture, openStore, reopen, storeName, TestStoreContext } from './harness.js';

const str = Serdes.string();

const session = (key: string, start: number, end: number): Windowed<string> => ({
  key,
  window: { start, end },
});
const flat = (it: Iterable<{ key: Windowed<string>; value: string }>) =>
  [...it].map((e) => `${e.key.key}[${e.key.window.start},${e.key.window.end}]=${e.value}`);

/**
 * The session store contract (Kafka Streams' SessionStore javadoc), run against every backend.
 * Sessions are [start, end] with both ends inclusive.
 */
export function sessionStoreContract(fixture: BackendFixture, options: { cacheBytes?: number } = {}): void {
  const label = `SessionStore contract [${fixture.name}${options.cacheBytes ? `, cache ${options.cacheBytes} B` : ''}]`;

  async function open(retention = 10_000, segmentInterval?: number) {
    const context = new TestStoreContext({ cacheBytes: options.cacheBytes });
    const supplier = fixture.backend().session(storeName('ses'), retention, segmentInterval);
    const builder = Stores.sessionStoreBuilder(supplier, str, str);
    if (options.cacheBytes) builder.withCachingEnabled();
    const build = () => builder.build() as TypedSessionStore<string, string>;
    const store = await openStore(build, context);
    return { store, reopen: (s: TypedSessionStore<string, string>) => reopen(fixture, s, build, context) };
  }

  describe(label, () => {
    it('findSessions(key, earliestEnd, latestStart) finds the sessions a new record may merge with', async () => {
      let { store, reopen } = await open();
      store.put(session('k', 0, 100), 'A');
      store.put(session('k', 300, 400), 'B');
      store.put(session('k', 1000, 1000), 'C');
      store.put(session('j', 300, 400), 'other key');
      store = await reopen(store);
      // Record at 450 with inactivity gap 100: merge candidates end ≥ 350 and start ≤ 550.
      expect(flat(store.findSessions('k', 350, 550))).toEqual(['k[300,400]=B']);
      // Bounds are inclusive: end == earliestEnd, start == latestStart both match.
      expect(flat(store.findSessions('k', 100, 1000))).toEqual([
        'k[0,100]=A',
        'k[300,400]=B',
        'k[1000,1000]=C',
      ]);
      expect(flat(store.findSessions('k', 101, 299))).toEqual([]);
      expect(flat(store.backwardFindSessions('k', 0, 2000))).toEqual([
        'k[1000,1000]=C',
        'k[300,400]=B',
        'k[0,100]=A',
      ]);
      store.close();
    });

    it('merging: remove the merged-away sessions and put the merged one', async () => {
      let { store, reopen } = await open();
      store.put(session('k', 0, 100), '1');
      store.put(session('k', 200, 300), '2');
      // A record at 150 with gap 100 bridges both sessions.
      const candidates = store.findSessions('k', 50, 250).toArray();
      expect(candidates.map((c) => c.value)).toEqual(['1', '2']);
      for (const c of candidates) store.remove(c.key);
      store.put(session('k', 0, 300), '1+2+x');
      store = await reopen(store);
      expect(flat(store.fetch('k'))).toEqual(['k[0,300]=1+2+x']);
      expect(store.fetchSession('k', 0, 300)).toBe('1+2+x');
      expect(store.fetchSession('k', 0, 100)).toBeUndefined();
      store.close();
    });

    it('fetch(key) and findSessionsRange order by key bytes then end time; a longer key is not the shorter one', async () => {
      let { store, reopen } = await open();
      store.put(session('b', 10, 20), 'b1');
      store.put(session('a', 50, 60), 'a2');
      store.put(session('a', 0, 5), 'a1');
      store.put(session('ab', 0, 5), 'ab');
      store.put(session('c', 0, 5), 'c');
      store = await reopen(store);
      expect(flat(store.fetch('a'))).toEqual(['a[0,5]=a1', 'a[50,60]=a2']);
      expect(flat(store.backwardFetch('a'))).toEqual(['a[50,60]=a2', 'a[0,5]=a1']);
      expect(flat(store.findSessionsRange('a', 'b', 0, 1000))).toEqual([
        'a[0,5]=a1',
        'a[50,60]=a2',
        'ab[0,5]=ab',
        'b[10,20]=b1',
      ]);
      expect(flat(store.backwardFindSessionsRange('a', 'b', 0, 1000))).toEqual(
        flat(store.findSessionsRange('a', 'b', 0, 1000)).reverse(),
      );
      expect(flat(store.findSessionsRange('b', 'a', 0, 1000))).toEqual([]);
      store.close();
    });

    it('retention: sessions ending at or before stream time − retention vanish', async () => {
      let { store, reopen } = await open(1000, 500);
      store.put(session('k', 0, 100), 'old');
      store.put(session('k', 900, 1000), 'mid');
      store.put(session('k', 2000, 2050), 'new');
      store = await reopen(store);
      // Stream time 2050 (max end): live sessions end after 1050.
      expect(flat(store.fetch('k'))).toEqual(['k[2000,2050]=new']);
      expect(store.fetchSession('k', 900, 1000)).toBeUndefined();
      store.put(session('k', 0, 200), 'late');
      store.flush();
      expect(flat(store.fetch('k'))).toEqual(['k[2000,2050]=new']);
      store.close();
    });
  });
}

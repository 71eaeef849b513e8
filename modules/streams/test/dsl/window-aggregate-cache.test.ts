import { describe, expect, it } from 'vitest';
import type { Change, ValueAndTimestamp } from '../../src/dsl/change.js';
import { WindowAggregateProcessor } from '../../src/dsl/processors/window-aggregate-processor.js';
import { TimeWindows } from '../../src/dsl/windows.js';
import type { ProcessorContext } from '../../src/processor/context.js';
import { type Headers, Record } from '../../src/processor/record.js';
import type { Windowed } from '../../src/state/window.js';

/**
 * The windowed aggregation's own cache (caching on), driven directly so the store traffic is
 * visible: Kafka's record cache keeps flushed entries (clean) and forwards (new, old) per window per
 * flush; ours must do the same without reading windows back from the store while they are cached.
 */
function harness(maxEntries = 100) {
  const stored = new Map<string, ValueAndTimestamp<number>>();
  const reads: string[] = [];
  const forwarded: { key: string; start: number; newValue: number | null; oldValue: number | null }[] = [];
  /** Every forwarded record as [key, timestamp, headers, new value]. */
  const records: [string, number, Headers, number | null][] = [];
  const store = {
    fetchWindow(key: string, start: number) {
      reads.push(`${key}@${start}`);
      return stored.get(`${key}@${start}`);
    },
    put(key: string, value: ValueAndTimestamp<number>, start: number) {
      stored.set(`${key}@${start}`, value);
    },
    all() {
      return Object.assign([][Symbol.iterator](), { close() {} });
    },
  };
  const context = {
    getStateStore: () => store,
    forward(r: Record<Windowed<string>, Change<number>>) {
      forwarded.push({ key: r.key.key, start: r.key.window.start, ...r.value });
      records.push([r.key.key, r.timestamp, r.headers, r.value.newValue]);
    },
    metrics: { lateRecordDrops: 0, nullKeyOrValueSkips: 0 },
  } as unknown as ProcessorContext<Windowed<string>, Change<number>>;
  // Count per window, 10 ms tumbling windows with 5 ms grace.
  const processor = new WindowAggregateProcessor<string, number, number>(
    'counts',
    TimeWindows.ofSizeAndGrace(10, 5),
    (_k, _v, previous) => (previous ?? 0) + 1,
    undefined,
    true,
    maxEntries,
  );
  processor.init(context);
  const send = (key: string, ts: number, headers?: Headers) =>
    processor.process(new Record(key, 1, ts, headers));
  return { processor, stored, reads, forwarded, records, send };
}

describe('WindowAggregateProcessor cache (caching on)', () => {
  it('a window spanning commits stays cached: no store read, and the next flush forwards (new, old = last flushed)', () => {
    const h = harness();
    h.send('a', 1);
    h.send('a', 2);
    h.processor.flush();
    expect(h.forwarded).toEqual([{ key: 'a', start: 0, newValue: 2, oldValue: null }]);
    h.send('a', 3);
    h.processor.flush();
    expect(h.forwarded[1]).toEqual({ key: 'a', start: 0, newValue: 3, oldValue: 2 });
    expect(h.stored.get('a@0')).toEqual({ value: 3, timestamp: 3 });
    expect(h.reads).toEqual([]); // new windows are known to be absent; the cached one is not read back
    h.processor.flush(); // nothing changed: nothing forwarded again
    expect(h.forwarded).toHaveLength(2);
  });

  it('closed windows leave the cache at flush (window end + grace ≤ stream time)', () => {
    const h = harness();
    h.send('a', 1);
    h.send('b', 2);
    h.send('a', 12); // window [10,20); [0,10) closes at stream time 15
    h.processor.flush();
    expect(h.processor.cachedEntries()).toBe(3);
    h.send('a', 15);
    h.processor.flush();
    expect(h.processor.cachedEntries()).toBe(1); // only a@10 is left
    expect(h.forwarded.at(-1)).toEqual({ key: 'a', start: 10, newValue: 2, oldValue: 1 });
  });

  it('over its bound the oldest windows are evicted; an evicted window is read back from the store with its old value', () => {
    const h = harness(4);
    // Stream time stays inside grace of every window, so only the bound evicts.
    for (const [key, ts] of [
      ['a', 1],
      ['b', 1],
      ['a', 11],
      ['b', 11],
      ['c', 12],
    ] as const)
      h.send(key, ts);
    // The fifth entry passed the bound of 4: flushed, then the oldest window [0,10) was evicted.
    expect(h.forwarded).toHaveLength(5);
    expect(h.processor.cachedEntries()).toBe(3);
    h.send('a', 9); // window [0,10) again: not cached any more, so read from the store
    expect(h.reads).toEqual(['a@0']);
    h.processor.flush();
    expect(h.forwarded.at(-1)).toEqual({ key: 'a', start: 0, newValue: 2, oldValue: 1 });
  });

  it('finds every key whatever the arrival order: steady cycles (the next-slot hint), breaks in the cycle, repeats, new keys mid-cycle', () => {
    const h = harness(10_000);
    const expected = new Map<string, number>();
    // A pseudo-random but deterministic walk: cycles over 20 keys, with skips, repeats, reversals and new keys.
    const order: string[] = [];
    const cycle = Array.from({ length: 20 }, (_, i) => `k${i}`);
    for (let round = 0; round < 6; round++) order.push(...cycle);
    order.push(
      'k3',
      'k3',
      'k4',
      'k9',
      'new-1',
      'k10',
      'k0',
      'new-2',
      ...[...cycle].reverse(),
      'k19',
      'k0',
      'k1',
    );
    for (let i = 0; i < 300; i++) order.push(cycle[(i * 7) % 20]!, cycle[(i * 13 + 5) % 20]!);
    for (const key of order) {
      h.send(key, 1);
      expected.set(key, (expected.get(key) ?? 0) + 1);
    }
    h.processor.flush();
    const flushed = new Map(h.forwarded.map((f) => [f.key, f.newValue]));
    expect(flushed).toEqual(expected);
    expect(h.forwarded, 'one update per key per flush').toHaveLength(expected.size);
    expect(h.processor.cachedEntries()).toBe(expected.size);
  });

  it('forwards each window with the headers of its last update and its largest record timestamp, flush after flush', () => {
    const h = harness();
    const p = h.processor;
    const forwarded = h.records;
    const h1 = [{ key: 'trace', value: Buffer.from('1') }];
    const h2 = [{ key: 'trace', value: Buffer.from('2') }];
    const send = h.send;
    send('a', 5, h1);
    send('b', 3, h1);
    send('a', 2, h1); // out of order: a's window keeps timestamp 5
    p.flush();
    expect(forwarded).toEqual([
      ['a', 5, h1, 2],
      ['b', 3, h1, 1],
    ]);
    forwarded.length = 0;
    send('b', 4, h2); // the first headers that differ within the window
    send('a', 1, h1);
    send('c', 6, h2);
    p.flush();
    expect(forwarded).toEqual([
      ['a', 5, h1, 3],
      ['b', 4, h2, 2],
      ['c', 6, h2, 1],
    ]);
    forwarded.length = 0;
    p.flush();
    expect(forwarded, 'clean after the flush: nothing to forward').toEqual([]);
    send('a', 8, h2);
    p.flush();
    expect(forwarded).toEqual([['a', 8, h2, 4]]);
  });
});

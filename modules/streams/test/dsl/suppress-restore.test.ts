import { describe, expect, it } from 'vitest';
import { type Change, change } from '../../src/dsl/change.js';
import { SuppressProcessor } from '../../src/dsl/processors/suppress-processor.js';
import type { ProcessorContext } from '../../src/processor/context.js';
import { Record } from '../../src/processor/record.js';
import { Serdes } from '../../src/serde/serde.js';
import { type BufferStore, Stores } from '../../src/state/index.js';
import type { Windowed } from '../../src/state/window.js';
import { openStore, TestStoreContext } from '../state/contract/harness.js';

/**
 * Kafka Streams restores a suppression buffer from `<name>-store-changelog` after a crash or a
 * task migration: windows buffered but not emitted are emitted later, once, with their values and
 * timestamps. Here one processor instance writes the changelog, a second one restores from it.
 */
async function instance(restoreFrom?: TestStoreContext) {
  const storeContext = new TestStoreContext();
  const store = await openStore<BufferStore>(
    () => Stores.bufferStoreBuilder(Stores.inMemoryKeyValueStore('s-store')).build(),
    storeContext,
  );
  if (restoreFrom) storeContext.lifecycles.get('s-store')!.restore(restoreFrom.changes);
  const emitted: string[] = [];
  const processor = new SuppressProcessor<string, number>(5, 's-store', {
    key: Serdes.string(),
    value: Serdes.int64(),
  });
  processor.init({
    getStateStore: () => store,
    forward: (r: Record<Windowed<string>, Change<number>>) =>
      emitted.push(`${r.key.key}@${r.key.window.start}=${r.value.newValue} ts ${r.timestamp}`),
    metrics: { suppressionEmits: 0 },
  } as unknown as ProcessorContext<Windowed<string>, Change<number>>);
  const send = (key: string, start: number, value: number, ts: number) => {
    storeContext.timestamp = ts;
    processor.process(new Record({ key, window: { start, end: start + 10 } }, change(value, null), ts));
  };
  /** The changelog as "<key>@<start> put|tombstone" (store key: [end 8 B][start 8 B][key]). */
  const changelog = () =>
    storeContext.changes.map(
      (c) =>
        `${c.key.subarray(16).toString()}@${c.key.readBigInt64BE(8)} ${c.value === null ? 'tombstone' : 'put'}`,
    );
  return { storeContext, store, processor, emitted, send, changelog };
}

describe('suppression buffer restore (Kafka Streams: the buffer is restored from its changelog)', () => {
  it('a restored instance emits the windows buffered before the crash, once, with their values and timestamps', async () => {
    const first = await instance();
    first.send('a', 0, 2, 3);
    first.send('b', 0, 1, 4);
    first.send('a', 10, 5, 12); // stream time 12: [0,10) closes at 15 (grace 5)
    first.processor.flush(); // the commit writes the buffer
    expect(first.emitted).toEqual([]);
    expect(first.changelog()).toEqual(['a@0 put', 'b@0 put', 'a@10 put']);
    // Crash: the first instance is gone; a new one restores from the changelog.
    const second = await instance(first.storeContext);
    expect(second.processor.bufferedCount(), 'not taken before the first record').toBe(0);
    second.send('c', 10, 1, 15);
    expect(second.emitted, 'restored windows keep their values and timestamps').toEqual([
      'a@0=2 ts 3',
      'b@0=1 ts 4',
    ]);
    expect(second.changelog(), 'the restored windows were in the store: tombstones').toEqual([
      'a@0 tombstone',
      'b@0 tombstone',
    ]);
    expect(second.store.approximateNumEntries(), 'the buffer size, as the processor reports it').toBe(2);
    second.send('c', 20, 1, 26); // [10,20) closes
    expect(second.emitted.slice(2)).toEqual(['a@10=5 ts 12', 'c@10=1 ts 15']);
    expect(second.changelog().slice(2), 'c@10 was never written, so only a@10 gets a tombstone').toEqual([
      'a@10 tombstone',
    ]);
    second.processor.flush();
    expect(second.changelog().slice(3)).toEqual(['c@20 put']);
  });
});

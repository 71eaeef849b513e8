import { InvalidStateStoreError } from '../state/errors.js';
import { type KeyValue, type KeyValueIterator, SourceIterator } from '../state/iterator.js';
import type { KeyValueStore } from '../state/state-store.js';

/** The reads of a key-value store (Kafka Streams' ReadOnlyKeyValueStore). */
export type ReadOnlyKeyValueStore<K, V> = Pick<
  KeyValueStore<K, V>,
  'get' | 'range' | 'all' | 'approximateNumEntries'
>;

/**
 * One store of an application read across the tasks that hold it (Kafka Streams'
 * CompositeReadOnlyKeyValueStore): `get` asks each task's store until one has the key (the key's
 * partition is not known here — a store key need not be the input key); `all` and `range`
 * concatenate the tasks' iterations, each in its own byte order (no global order across tasks).
 *
 * `stores` is read on every call, so the view follows rebalances: a task that left is no longer
 * read. Reads go through each store's outer layers (record cache included).
 */
export function compositeKeyValueView<K, V>(
  name: string,
  stores: () => readonly KeyValueStore<K, V>[],
): ReadOnlyKeyValueStore<K, V> {
  const open = (): readonly KeyValueStore<K, V>[] => {
    const all = stores();
    for (const s of all) if (!s.isOpen()) throw new InvalidStateStoreError(name, 'a task store is closed');
    return all;
  };
  const concat = (read: (s: KeyValueStore<K, V>) => KeyValueIterator<K, V>): KeyValueIterator<K, V> => {
    const parts = open();
    function* entries(): Generator<KeyValue<K, V>> {
      for (const s of parts) {
        const it = read(s);
        try {
          for (let next = it.next(); !next.done; next = it.next()) yield next.value;
        } finally {
          it.close();
        }
      }
    }
    const gen = entries();
    // Closing the composite closes the task iterator in progress (the generator's finally).
    return new SourceIterator(gen, name, () => void gen.return(undefined));
  };
  return {
    get(key) {
      for (const s of open()) {
        const v = s.get(key);
        if (v !== undefined) return v;
      }
      return undefined;
    },
    range: (from, to) => concat((s) => s.range(from, to)),
    all: () => concat((s) => s.all()),
    approximateNumEntries: () => open().reduce((n, s) => n + s.approximateNumEntries(), 0),
  };
}
